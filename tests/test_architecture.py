"""The layout's rules, checked on the source (README "Layout"): no import circles, no module over 400
lines, lower layers never import higher ones, ``qa`` reaches the index through one door, and each
package names its public surface."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("index", "qa", "tracuu", "bench", "report")
TOP_MODULES = ("ui", "ui_render", "ui_uploads", "ui_report", "ui_compare", "rest")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else ():
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    for name in TOP_MODULES:
        if (ROOT / f"{name}.py").exists():
            found[name] = ROOT / f"{name}.py"
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Project modules ``name`` imports anywhere in its body (lazy imports inside functions count: a
    circle through a lazy import is still a circle)."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from pkg import sub` imports the submodule when there is one, else a name of pkg.
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_source_tree_was_found():
    assert {"index", "index.api", "qa", "tracuu.cli"} <= set(MODULES)


def test_no_import_circles():
    state: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(GRAPH):
        if node not in state:
            visit(node)
    assert not circles, "import circles: " + "; ".join(" → ".join(c) for c in circles)


def test_no_module_over_400_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by job): {long}"


@pytest.mark.parametrize("lower, higher", [
    ("index", ("qa", "report", "ui", "ui_render", "rest", "bench", "tracuu.cli")),
    ("qa", ("report", "ui", "ui_render", "rest", "bench", "tracuu.cli")),
    ("report", ("ui", "ui_render", "rest", "bench", "tracuu.cli")),
    ("tracuu.settings", ("index", "qa", "report", "ui", "ui_render", "rest", "bench", "tracuu.cli")),
])
def test_lower_layers_never_import_higher_ones(lower, higher):
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items() if module == lower or module.startswith(lower + ".")
        for target in targets if any(target == h or target.startswith(h + ".") for h in higher)
    )
    assert not wrong, wrong


def test_qa_reaches_the_index_only_through_api_text_and_records():
    allowed = ("index", "index.api", "index.records", "index.text")
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items() if module == "qa" or module.startswith("qa.")
        for target in targets
        if (target == "index" or target.startswith("index.")) and not any(
            target == a or target.startswith(a + ".") for a in allowed[2:]) and target not in allowed[:2]
    )
    assert not wrong, wrong


def test_qa_calls_the_index_in_one_place():
    """Only ``qa.retrieve`` holds the Index (the router wraps it there); every other module of qa reads the
    corpus through ``retrieve.Corpus``."""
    doors = {"qa.retrieve", "qa.answers.router"}
    wrong = [name for name, path in MODULES.items()
             if name.startswith("qa.") and name not in doors and "index.api" in GRAPH[name]]
    assert not wrong, f"{wrong} import the Index; go through qa.retrieve"


def test_index_holds_only_stage_packages_and_its_facade():
    loose = sorted(p.name for p in (ROOT / "index").glob("*.py"))
    assert loose == ["__init__.py", "api.py", "records.py"], loose
    stages = sorted(p.name for p in (ROOT / "index").iterdir() if p.is_dir() and p.name != "__pycache__")
    assert stages == ["embed", "ingest", "store", "text"], stages


def test_every_package_names_its_public_surface():
    missing = [name for name, path in MODULES.items()
               if path.name == "__init__.py" and name.split(".")[0] in ("index", "qa", "report")
               and "__all__" not in path.read_text(encoding="utf-8")]
    assert not missing, f"packages without __all__: {missing}"
