"""What a researcher takes away: document cards, a timeline of reported events, exports.

Sits above ``qa`` and ``index``; the CLI and the UI call it.
"""

from .cards import Registry, registry
from .export import EvidenceTable, from_answer, from_hits, from_timeline, to_bytes, write
from .timeline import Timeline, timeline

__all__ = ["Registry", "registry", "Timeline", "timeline", "EvidenceTable", "from_answer", "from_hits",
           "from_timeline", "to_bytes", "write"]
