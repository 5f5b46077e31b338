"""What a researcher takes away: document cards, a timeline of reported events, exports.

Sits above ``qa`` and ``index``; the CLI and the UI call it.
"""
