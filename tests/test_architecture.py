"""The layout's rules, checked on the source (README "Layout"): no import circles, no module over 400
lines, lower layers never import higher ones, ``qa`` reaches the index through one door, and each
package names its public surface."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("index", "qa", "tracuu", "bench", "report", "training", "studies")
TOP_MODULES = ("ui", "ui_handlers", "ui_render", "ui_uploads", "ui_report", "ui_compare", "ui_i18n", "rest")
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
    # What ships never reaches what does not: the training pipeline and the studies sit above everything.
    ("bench", ("training", "studies")),
    ("tracuu", ("training", "studies")),
])
def test_lower_layers_never_import_higher_ones(lower, higher):
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items() if module == lower or module.startswith(lower + ".")
        for target in targets if any(target == h or target.startswith(h + ".") for h in higher)
    )
    assert not wrong, wrong


def test_the_ground_imports_nothing_of_the_project():
    """``index.settings`` is the ground every layer reads: it imports no project module at all."""
    assert GRAPH["index.settings"] == set(), GRAPH["index.settings"]


def test_no_upward_arrow_from_the_stages_to_the_top_package():
    """``tracuu/`` is the top (CLI, web, REST, contract): no module under index/, qa/ or report/ imports
    anything from it, lazily or not (``tracuu.settings`` is only a re-export of ``index.settings`` kept for
    outside scripts)."""
    wrong = sorted(f"{module} imports {target}" for module, targets in GRAPH.items()
                   if module.split(".")[0] in ("index", "qa", "report")
                   for target in targets if target.split(".")[0] == "tracuu")
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
    assert loose == ["__init__.py", "api.py", "records.py", "settings.py"], loose
    stages = sorted(p.name for p in (ROOT / "index").iterdir() if p.is_dir() and p.name != "__pycache__")
    assert stages == ["embed", "ingest", "store", "text"], stages


def test_every_package_names_its_public_surface():
    missing = [name for name, path in MODULES.items()
               if path.name == "__init__.py" and name.split(".")[0] in ("index", "qa", "report")
               and "__all__" not in path.read_text(encoding="utf-8")]
    assert not missing, f"packages without __all__: {missing}"


# ---------------------------------------------------------------- the question is read once (issue 24)

# The modules that read the raw question: the question package and the two parsers it builds on, plus
# ``qa.offices`` (the office a question names, read by ``qa.analyze``) and ``qa.gloss`` (an English
# question's Vietnamese rendering). The sentence scorers (``qa.rank``, ``qa.learned``) compare the question's
# numbers, dates and capitalised words with each sentence's through one pattern for both: a comparison,
# listed here so that it stays the only other exception.
QUESTION_READERS = ("qa.question", "qa.analyze", "qa.forms", "qa.offices", "qa.gloss")
SENTENCE_SCORERS = ("qa.rank", "qa.learned")
_PATTERN_METHODS = {"search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}
# What the code names the raw question text (a Question record is read by its fields, never by a pattern).
_RAW_NAMES = {"question", "asked", "previous", "follow_up", "query"}


def _is_pattern(node: ast.expr) -> bool:
    """``re`` itself, a compiled pattern constant (``_TODAY``, ``YEAR_RE``) or a local named so."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name == "re" or name.lstrip("_").isupper() or "pattern" in name.lower() or name.endswith("_re")


def _reads_raw_question(node: ast.expr) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in _RAW_NAMES:
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == "text" and isinstance(sub.value, ast.Name) \
                and sub.value.id in _RAW_NAMES:
            return True
    return False


def _patterns_over_the_question(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _PATTERN_METHODS and _is_pattern(node.func.value):
            if any(_reads_raw_question(arg) for arg in [*node.args, *(k.value for k in node.keywords)]):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_pattern_is_applied_to_the_raw_question_outside_the_question_package():
    """A question is read once, into ``qa.question.Question``; the answer paths (qa/answers, qa/checks, the
    router, follow-ups, cards), report/, the web modules and the CLI read its fields. Checked on the source:
    no call of a regex method (``re.search(…)``, ``_PATTERN.findall(…)``, ``x.sub(…)`` …) takes an argument
    built from a variable that holds the raw question (``question``, ``asked``, ``previous``, ``follow_up``,
    ``query``, or their ``.text``) outside ``QUESTION_READERS`` and the two ``SENTENCE_SCORERS``."""
    exempt = QUESTION_READERS + SENTENCE_SCORERS
    wrong = [hit for name, path in sorted(MODULES.items())
             if name.split(".")[0] in ("qa", "report", "tracuu") or name in TOP_MODULES
             if not any(name == e or name.startswith(e + ".") for e in exempt)
             for hit in _patterns_over_the_question(path)]
    assert not wrong, wrong


def test_the_rule_sees_a_pattern_over_the_question_and_not_over_a_sentence(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import re\n_WHAT = re.compile('x')\n"
                     "def f(question, sentence):\n"
                     "    return _WHAT.search(fold(question)), re.findall('y', sentence), corpus.search(question)\n")
    assert [hit.split(": ", 1)[1] for hit in _patterns_over_the_question(probe, tmp_path)] == ["_WHAT.search(fold(question))"]


# ---------------------------------------------------------------- one place per concept (issue 24)

# Each concept a question is read for, with the fingerprint of its definition in the source and the one
# module allowed to hold it: the year a question names, the verbs of a role ("chủ trì", "phát biểu" folded),
# the 2025 ward a name stands for, and "what is document X" (its subject, or what it is / who issued it).
CONCEPTS = {
    "year": ('r"(?:19|20)\\d\\d"', "qa.question.years", ("qa", "report")),
    "year (a copy standing alone)": (r"((?:19|20)\d\d)(?!", None, ("qa", "report")),
    "role verbs": ("dong chu tri|chu tri", "qa.forms", ("qa", "report", "index")),
    "2025 wards": (r"(?:phuong|xa)\s+", "index.text.admin2025", ("qa", "report", "index")),
    "2025 wards (capitalised)": (r"[Pp]hường|[Xx]ã)\s+", None, ("qa", "report", "index")),
    "what a document is about": ("ve viec gi|ve van de gi", "qa.question.documents", ("qa", "report")),
    "what a document is": ("la van ban gi", "qa.question.documents", ("qa", "report")),
}


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_each_concept_is_defined_in_one_module(concept):
    fingerprint, home, packages = CONCEPTS[concept]
    holders = sorted(name for name, path in MODULES.items() if name.split(".")[0] in packages
                     and fingerprint in path.read_text(encoding="utf-8"))
    assert holders == ([home] if home else []), f"{concept} is defined in {holders}; it belongs in {home}"


# ---------------------------------------------------------------- the wheel ships no dev-only module (issue 24)

DEV_ONLY = ("training", "studies", "tests")


def _shipped() -> set[str]:
    """The project modules the wheel holds, read from pyproject the way setuptools reads it: the packages
    ``packages.find`` selects (include, then exclude) and the loose ``py-modules``."""
    import tomllib

    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    find = config["packages"]["find"]
    packages = set(find_packages(str(ROOT), include=find["include"], exclude=find.get("exclude", ())))
    return {name for name, path in MODULES.items()
            if (name if path.name == "__init__.py" else name.rpartition(".")[0]) in packages} | set(config["py-modules"])


SHIPPED = _shipped()


def _reach(starts: tuple[str, ...]) -> set[str]:
    seen, todo = set(), list(starts)
    while todo:
        if (name := todo.pop()) not in seen:
            seen.add(name)
            todo.extend(GRAPH.get(name, ()))
    return seen


def test_the_wheel_holds_no_dev_only_module():
    assert {"bench.evaluate", "bench.speed", "tracuu.cli", "index.settings", "ui", "ui_compare", "rest"} <= SHIPPED
    wrong = sorted(name for name in SHIPPED if name.split(".")[0] in DEV_ONLY)
    assert not wrong, f"dev-only modules in the wheel: {wrong}"
    assert {"training.train", "training.rank_data", "studies.dedup", "studies.tune_evidence"} <= set(MODULES) - SHIPPED
    missing = sorted(name for name in TOP_MODULES if name not in SHIPPED)
    assert not missing, f"root modules the app imports but the wheel lacks (pyproject py-modules): {missing}"


def test_what_the_product_runs_reaches_only_shipped_modules():
    """``tracuu eval`` (bench.evaluate) and ``tracuu bench`` (bench.speed), lazily imported by the CLI, and
    every door: all they import, transitively and lazily included, is in the wheel."""
    starts = ("tracuu.cli", "bench.evaluate", "bench.speed", "ui", "rest")
    assert {"bench.evaluate", "bench.speed"} <= _reach(("tracuu.cli",))
    outside = sorted(_reach(starts) - SHIPPED)
    assert not outside, f"the product imports modules the wheel lacks: {outside}"
    # bench/ holds only what the product runs: a study or a training step put there would ship unused.
    idle = sorted(name for name in MODULES if name.startswith("bench.") and name not in _reach(("tracuu.cli",)))
    assert not idle, f"bench modules no `tracuu` command runs (move them to studies/ or training/): {idle}"


def test_every_documented_python_m_command_names_a_module_of_the_tree():
    """README and docs/ say ``python -m bench.splits``, ``python -m training.train`` …: each names a module."""
    import re

    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {m for path in texts for m in re.findall(r"python -m ((?:bench|training|studies)\.\w+)", path.read_text(encoding="utf-8"))}
    assert named, "no python -m command found: the pattern is stale"
    missing = sorted(m for m in named if m not in MODULES)
    assert not missing, f"documented commands whose module is gone: {missing}"


def test_a_built_wheel_holds_exactly_the_shipped_modules(tmp_path):
    """The real build (pip wheel, setuptools, no isolation: ~2 s) of the checkout's files, against ``SHIPPED``."""
    import shutil
    import subprocess
    import sys
    import zipfile

    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: the file list to build from is unknown")
    src = tmp_path / "src"
    for rel in listed.stdout.splitlines():
        if (ROOT / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, src / rel)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "out"), str(src)], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "out").glob("tracuu-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    built = {n[:-3].replace("/", ".").removesuffix(".__init__") for n in names if n.endswith(".py")}
    assert built == SHIPPED, sorted(built ^ SHIPPED)
    assert "bench/splits.json" in names and not any(n.startswith(("training/", "studies/")) for n in names)


def test_every_import_of_a_project_package_names_a_module_of_this_tree():
    """``from bench import rank_data`` after rank_data moved to training/ can still import, from another
    checkout an editable install points at: every project module the sources and tests import is here."""
    own = {p for p in PACKAGES if (ROOT / p).is_dir()}
    wrong = []
    for path in sorted([*MODULES.values(), *(ROOT / "tests").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] in own:
                missing = [node.module] if node.module not in MODULES else \
                    [f"{node.module}.{a.name}" for a in node.names if not _resolves(node.module, a.name)]
            elif isinstance(node, ast.Import):
                missing = [a.name for a in node.names if a.name.split(".")[0] in own and a.name not in MODULES]
            else:
                continue
            wrong += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in missing]
    assert not wrong, wrong


def _resolves(module: str, name: str) -> bool:
    """``from module import name`` finds a submodule of this tree, or a name the module holds (a package's
    ``__init__`` defines, imports or lists it in ``__all__``; a plain module is trusted)."""
    if f"{module}.{name}" in MODULES or MODULES[module].name != "__init__.py":
        return True
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    held: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            held.add(node.name)
        elif isinstance(node, ast.ImportFrom):
            held |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Assign):
            held |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                held |= set(ast.literal_eval(node.value))
    return name in held
