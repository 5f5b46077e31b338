"""The page's side of accounts: who is signed in and what their role lets them do (readers see no upload
or remove controls, and the handlers refuse them anyway), the Remove button and the audit list in the
corpus tab, and Gradio's temporary files kept under the index's own folder and deleted.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .limits import scrub

if TYPE_CHECKING:
    from index.api import Index

T = {
    "vi": {"remove": "Xóa bài đã chọn", "audit": "Nhật ký thay đổi", "no_right": "Tài khoản của bạn chỉ được đọc: "
           "biên tập viên hoặc quản trị viên mới thêm hoặc xóa bài.", "removed": "Đã xóa {doc}.",
           "pick_first": "Hãy chọn một bài trước.", "none": "Chưa có thay đổi nào.",
           "cols": ("Lúc", "Người", "Việc", "Bài", "Từ tệp hoặc URL")},
    "en": {"remove": "Remove the chosen article", "audit": "Change log", "no_right": "Your account may only read: "
           "editors and admins add and remove articles.", "removed": "Removed {doc}.",
           "pick_first": "Choose an article first.", "none": "No change yet.",
           "cols": ("When", "Who", "What", "Article", "From file or URL")},
}
# Delete Gradio's temporary files an hour after they were made, looking every ten minutes.
DELETE_CACHE = (600, 3600)


def temp_dir(index: "Index") -> Path:
    """Gradio's temporary folder under the index (``<index>/tmp/gradio``), emptied at start: uploads and
    exports never go to the host-wide /tmp/gradio, which any Gradio app on the host would serve."""
    folder = index.root / "tmp" / "gradio"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder


def forget(paths) -> None:
    """Delete an upload's temporary copies once handled, so a refused file is not left downloadable."""
    folder = os.environ.get("GRADIO_TEMP_DIR")
    for path in paths or ():
        path = Path(path)
        if folder and path.resolve().is_relative_to(Path(folder).resolve()):
            path.unlink(missing_ok=True)


def user_of(index: "Index", request):
    """The signed-in user (None on an open server, where everyone may do everything as before)."""
    from index.store.accounts import Accounts

    name = getattr(request, "username", None) if request is not None else None
    return Accounts(index.root).get(name) if name else None


def may_write(index: "Index", request) -> bool:
    user = user_of(index, request)
    return user is None or user.may("write")


def actor(index: "Index", request) -> str:
    user = user_of(index, request)
    return user.name if user is not None else "web"


def _lang(lang) -> str:
    return lang if lang in T else "vi"


def audit_html(index: "Index", lang="vi") -> str:
    from ui_render import esc

    L = T[_lang(lang)]
    from index.store.accounts import Accounts

    entries = Accounts(index.root).audit(limit=50)
    if not entries:
        return f'<div class="tr-out meta" id="audit-list"><p>{esc(L["none"])}</p></div>'
    head = "".join(f"<th>{esc(c)}</th>" for c in L["cols"])
    rows = "".join(f"<tr><td>{esc(e.at)}</td><td>{esc(e.user)}</td><td>{esc(e.action)}</td><td>{esc(e.target)}</td>"
                   f"<td>{esc(e.source or '')}</td></tr>" for e in entries)
    return f'<div class="tr-out" id="audit-list"><table><tr>{head}</tr>{rows}</table></div>'


class CorpusControls:
    """The Remove button and the audit list (built inside the corpus tab), wired by ``wire`` once the
    page's other components exist; ``on_load`` hides upload and remove from a reader."""

    def __init__(self, index: "Index") -> None:
        import gradio as gr

        self.index = index
        self.remove_btn = gr.Button(T["vi"]["remove"], variant="stop", elem_id="remove-btn")
        self.status = gr.HTML(js_on_load=None, elem_id="remove-status")
        with gr.Accordion(T["vi"]["audit"], open=False, elem_id="audit"):
            self.audit = gr.HTML(js_on_load=None, elem_id="audit-html")

    def remove(self, doc_id, lg, request, refresh) -> tuple:
        from ui_render import esc

        from . import corpus_ops

        L, index = T[_lang(lg)], self.index
        if not may_write(index, request):
            message = f'<p class="bad">{esc(L["no_right"])}</p>'
        elif not doc_id:
            message = f'<p class="bad">{esc(L["pick_first"])}</p>'
        else:
            try:
                removed = corpus_ops.remove(index, [doc_id], user=actor(index, request), via="page")
                message = f'<p class="ok">{esc(L["removed"].format(doc=", ".join(removed) or doc_id))}</p>'
            except Exception as exc:  # noqa: BLE001 - shown short, without internals
                message = f'<p class="bad">{esc(scrub(exc))}</p>'
        return (f'<div class="tr-out">{message}</div>', audit_html(index, lg), *refresh(lg))

    def wire(self, lang, pick, files, upload_event, refresh, refreshed) -> None:
        import gradio as gr

        def remove(doc_id, lg, request: gr.Request):
            return self.remove(doc_id, lg, request, refresh)

        def on_load(lg, request: gr.Request):
            allowed = may_write(self.index, request)
            return gr.update(visible=allowed), gr.update(visible=allowed), audit_html(self.index, lg)

        # Real classes (this module's annotations are strings): Gradio injects the request by annotation.
        remove.__annotations__["request"] = on_load.__annotations__["request"] = gr.Request
        self.remove_btn.click(remove, [pick, lang], [self.status, self.audit, *refreshed], api_visibility="private")
        upload_event.then(lambda lg: audit_html(self.index, lg), [lang], self.audit, api_visibility="private")

        self.on_load, self.load_outputs = on_load, [files, self.remove_btn, self.audit]
