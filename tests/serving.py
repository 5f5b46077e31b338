"""A real server for the door tests: the REST API with the Gradio app mounted (``rest.build_server``, what
`tracuu serve` runs) on 127.0.0.1 and a free port, in a background thread."""

from __future__ import annotations

import contextlib

from studies.rest_load import free_port, serve_app


@contextlib.contextmanager
def serving(idx):
    """Yields the base URL (no trailing slash) of ``tracuu serve``'s app over ``idx``."""
    import ui
    from rest import build_server
    from ui_render import CSS

    port = free_port()
    app = build_server(idx, ui.build_app(idx), host="127.0.0.1", port=port, show_error=False, css=CSS,
                       max_file_size=max(idx.settings.max_upload_bytes * 4, 20 * 1024 * 1024))
    with serve_app(app, port, log_level="error") as url:
        yield url
