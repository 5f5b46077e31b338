"""A real server for the door tests: the REST API with the Gradio app mounted (``rest.build_server``, what
`tracuu serve` runs) on 127.0.0.1 and a free port, in a background thread."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(idx):
    """Yields the base URL (no trailing slash) of ``tracuu serve``'s app over ``idx``."""
    import uvicorn

    import ui
    from rest import build_server
    from ui_render import CSS

    port = free_port()
    app = build_server(idx, ui.build_app(idx), host="127.0.0.1", port=port, show_error=False, css=CSS,
                       max_file_size=max(idx.settings.max_upload_bytes * 4, 20 * 1024 * 1024))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
