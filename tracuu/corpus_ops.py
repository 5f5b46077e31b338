"""Changes to the corpus from any door (the page, REST, the command line), each written to the audit
trail with who made it and from which file: uploads ingested within a budget, articles removed with the
uploaded files they came from. Refused and unfinished uploads never stay in ``uploads/``.
"""

from __future__ import annotations

import getpass
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from .limits import scrub

if TYPE_CHECKING:
    from index.api import Index, IngestReport


class UploadBudgetExceeded(Exception):
    pass


@dataclass
class UploadOutcome:
    """What became of one upload: the ingest report (None when nothing was ingested), the files saved
    (shown name, saved path), the refusals (shown name, why) and, when the whole upload was refused, why
    (a key of the wording table: "busy" or "budget")."""

    report: "IngestReport | None" = None
    accepted: list[tuple[str, Path]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    failed: str | None = None

    def to_contract(self, index: "Index") -> dict:
        r = self.report
        return {"added": list(r.added) if r else [], "updated": list(r.updated) if r else [],
                "unchanged": list(r.unchanged) if r else [], "merged": list(r.merged) if r else [],
                "passages_added": r.passages_added if r else 0,
                "refused": [{"file": name, "reason": why} for name, why in self.refused]}


def cli_user() -> str:
    """Who runs a command-line change: the OS user, else "cli"."""
    try:
        return getpass.getuser() or "cli"
    except Exception:  # noqa: BLE001 - no passwd entry in a container
        return "cli"


def audit(index: "Index", user: str, action: str, target: str, source: str | None = None,
          detail: str | None = None) -> None:
    from index.store.accounts import Accounts

    Accounts(index.root).record(user, action, target, source, detail)


def ingest_uploads(index: "Index", accepted: list[tuple[str, Path]], refused: list[tuple[str, str]], *,
                   user: str, via: str, on_progress: Callable | None = None) -> UploadOutcome:
    """Ingest saved uploads within the settings' budget; refused files are deleted from ``uploads/``."""
    from index import IndexBusyError

    out = UploadOutcome(accepted=list(accepted), refused=list(refused))
    if not accepted:
        return out
    budget = _Budget(index.settings.upload_max_passages, index.settings.upload_max_seconds, on_progress)
    try:
        out.report = index.ingest([dest for _, dest in accepted], on_progress=budget)
    except IndexBusyError:
        out.failed = "busy"
    except UploadBudgetExceeded:
        out.failed = "budget"
    if out.failed:
        _undo(index, accepted, added=out.failed == "budget")
        out.accepted = []
        return out
    _refuse_skipped(out)
    for key in ("added", "updated"):
        for doc_id in getattr(out.report, key):
            audit(index, user, f"upload:{key}", doc_id, source=_shown(accepted, doc_id), detail=via)
    return out


class _Budget:
    """The ingest's progress callback that stops an upload past its passages or seconds."""

    def __init__(self, passages: int, seconds: float, forward: Callable | None) -> None:
        self.passages, self.seconds, self.forward = passages, seconds, forward
        self.started = time.monotonic()

    def __call__(self, progress) -> None:
        if (self.passages and progress.passages > self.passages) or \
                (self.seconds and time.monotonic() - self.started > self.seconds):
            raise UploadBudgetExceeded
        if self.forward is not None:
            self.forward(progress)


def _undo(index: "Index", accepted: list[tuple[str, Path]], *, added: bool) -> None:
    """An upload that did not finish leaves nothing: its files, and what it committed before the stop."""
    if added:
        try:
            index.remove([dest.name for _, dest in accepted])
        except Exception:  # noqa: BLE001 - the files go anyway; `tracuu remove` can finish the job
            pass
    for _, dest in accepted:
        Path(dest).unlink(missing_ok=True)


def _refuse_skipped(out: UploadOutcome) -> None:
    shown = {str(dest): name for name, dest in out.accepted}
    for s in out.report.skipped:
        if s.origin in shown:  # the whole file was refused: do not keep it among the uploads
            out.refused.append((shown[s.origin], scrub(s.reason)))
            Path(s.origin).unlink(missing_ok=True)
        else:  # one JSONL line, "<path>:<line>"
            path, _, line = s.origin.rpartition(":")
            out.refused.append((f"{shown.get(path, Path(path).name)}:{line}", scrub(s.reason)))


def _shown(accepted: Sequence[tuple[str, Path]], doc_id: str) -> str | None:
    for name, dest in accepted:
        if dest.name == doc_id or doc_id.startswith(dest.stem):
            return name
    return None


def remove(index: "Index", doc_ids: Sequence[str], *, user: str, via: str) -> list[str]:
    """Remove articles; an uploaded file they came from (under the index's ``uploads/``) goes too."""
    files = _uploaded_files(index, doc_ids)
    removed = index.remove(doc_ids)
    for doc_id in removed:
        for path in files.get(doc_id, ()):
            path.unlink(missing_ok=True)
        audit(index, user, "remove", doc_id, source=", ".join(p.name for p in files.get(doc_id, ())) or None,
              detail=via)
    return removed


def _uploaded_files(index: "Index", doc_ids: Sequence[str]) -> dict[str, list[Path]]:
    uploads = (index.root / "uploads").resolve()
    out: dict[str, list[Path]] = {}
    if not index.exists():
        return out
    for doc_id, records in index.sources(doc_ids).items():
        for record in records:
            path = Path(record.path)
            if record.line is None and path.parent.resolve() == uploads and path.name == doc_id:
                out.setdefault(doc_id, []).append(path)
    if not out:  # an index built before sources were recorded: the upload's name is the doc_id
        for doc_id in doc_ids:
            candidate = uploads / os.path.basename(doc_id)
            if candidate.is_file():
                out[doc_id] = [candidate]
    return out
