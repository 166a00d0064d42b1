"""The layers of ARCHITECTURE, checked on every module's imports (including lazy ones)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "iltdesk"
QT = ("PySide6", "shiboken6")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (SRC / package).rglob("*.py"))


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(SRC)} imports {name}"
        for path in paths
        for name in sorted(imports_of(path))
        if name.startswith(forbidden)
    ]


PLAIN = ("domain", "db", "services", "importers", "documents", "mail", "cli")


@pytest.mark.parametrize("package", PLAIN)
def test_the_plain_layers_import_no_qt(package):
    assert offenders(modules(package), QT) == []


def test_qt_only_in_views_models_tasks_app_and_selftest():
    allowed = {"views", "models", "tasks"}
    paths = [
        p
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).parts[0] not in allowed and p.name not in {"app.py", "selftest.py"}
    ]
    assert offenders(paths, QT) == []


def test_models_read_rows_not_services_or_the_database():
    assert offenders(modules("models"), ("iltdesk.services", "iltdesk.db", "sqlalchemy")) == []


def test_views_never_touch_the_database_directly():
    assert offenders(modules("views", "tasks"), ("iltdesk.db", "sqlalchemy")) == []


def test_the_domain_depends_on_nothing_above_it():
    above = ("iltdesk.services", "iltdesk.db", "iltdesk.views", "iltdesk.models", "sqlalchemy")
    assert offenders(modules("domain"), above) == []


def test_services_format_through_formatting_not_babel():
    assert offenders(modules("services"), ("babel",)) == []


@pytest.mark.parametrize("package", ["documents", "importers", "mail"])
def test_builders_and_readers_take_their_input_and_read_no_settings(package):
    """Documents, importers and mail work on what they are given: no database, no settings."""
    below = ("iltdesk.services", "iltdesk.db", "iltdesk.settings", "sqlalchemy")
    assert offenders(modules(package), below) == []


def test_error_text_has_one_colour():
    """Form errors are coloured by `widgets.ERROR_COLOUR` alone (one colour, one place)."""
    hard_coded = [
        f"{path.relative_to(SRC)}:{number}"
        for path in modules("views", "models")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "setStyleSheet" in line and "color: #" in line
    ]
    assert hard_coded == []


def _last_line_printed(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run `script` in a fresh interpreter (nothing imported yet); its last line of output."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_the_app_opens_the_database_and_starts_reading_before_qt_loads(tmp_path):
    """`iltdesk` opens the database and starts the home screen's reading before it imports
    PySide6 (app.run_gui): Qt's imports and the window's building overlap with that reading."""
    script = (
        "import sys\n"
        "from iltdesk import app\n"
        "from iltdesk.settings import Preferences\n"
        "prefs = Preferences()\n"
        "app.install_language(prefs)\n"
        "db = app.open_app_database(sys.argv[1])\n"
        "first = app.start_first_reading(db, prefs)\n"
        "assert first.wait(30)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(loaded)\n"
        "db.close()\n"
    )
    assert _last_line_printed(script, str(tmp_path / "start.sqlite3")) == "[]"


def test_the_window_is_built_without_the_services_its_first_screen_does_not_use(tmp_path):
    """Building the window imports what the home screen needs, not the catalogue's or the
    scheduling services (their ~15 ms held the interpreter while the first reading ran)."""
    script = (
        "import sys\n"
        "from iltdesk import app\n"
        "from iltdesk.settings import Preferences\n"
        "prefs = Preferences()\n"
        "db = app.open_app_database(sys.argv[1])\n"
        "first = app.start_first_reading(db, prefs)\n"
        "qt = app.make_application()\n"
        "window = app.open_window(db, prefs, first)\n"
        "later = ('iltdesk.services.catalogue', 'iltdesk.services.scheduling')\n"
        "print(sorted(m for m in sys.modules if m in later))\n"
        "from iltdesk.tasks.runner import shutdown\n"
        "shutdown()\n"
        "db.close()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ILTDESK_HOME=str(tmp_path / "home"))
    assert _last_line_printed(script, str(tmp_path / "start.sqlite3"), env=env) == "[]"


def test_modules_imported_after_qt_keep_no_source_in_memory(tmp_path):
    """PySide6 searched the source of every module imported after it (for its `__feature__`
    syntax) through `inspect.getsource`, which keeps each file's lines in `linecache`: the
    window layer's ~310 modules cost ~50 ms of start-up and 313,000 lines held for good."""
    script = (
        "import linecache\n"
        "from iltdesk import app\n"
        "qt = app.make_application()\n"
        "from iltdesk.views.main_window import MainWindow\n"
        "from iltdesk.views import warmup\n"
        "for name in warmup.SCREEN_MODULES:\n"
        "    __import__(name)\n"
        "print(sum(name.endswith('.py') and 'iltdesk' in name for name in linecache.cache))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ILTDESK_HOME=str(tmp_path / "home"))
    assert _last_line_printed(script, env=env) == "0"


def test_the_desktop_app_hands_the_interpreter_back_to_the_window_within_half_a_millisecond():
    """Painting calls into Python for every cell; beside a worker running Python each call
    waited up to Python's 5 ms switch interval (a session window: 300-460 ms of stall)."""
    script = (
        "import sys\n"
        "from iltdesk import app\n"
        "before = sys.getswitchinterval()\n"
        "qt = app.make_application()\n"
        "print(before, sys.getswitchinterval())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    assert _last_line_printed(script, env=env) == "0.005 0.0005"


def test_no_module_selects_a_pyside_feature():
    """What lets `app.lighten_pyside_import_check` mark every module "ignore" at once."""
    assert [
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "__feature__" in imports_of(p)
    ] == []


def _document_imports_outside_workers(path: Path) -> list[str]:
    """`iltdesk.documents` builders a view imports anywhere but inside a nested function."""
    found: list[str] = []

    def visit(node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, depth + 1)
                continue
            if (
                isinstance(child, ast.ImportFrom)
                and (child.module or "").startswith("iltdesk.documents")
                and child.module != "iltdesk.documents.files"
                and depth < 2  # module level, or a method's own body (the GUI thread)
            ):
                found.append(f"{path.relative_to(SRC)}:{child.lineno} {child.module}")
            visit(child, depth)

    visit(ast.parse(path.read_text(encoding="utf-8")), 0)
    return found


def test_views_import_document_builders_only_on_a_worker():
    """reportlab and openpyxl cost 70-170 ms to import: a view that imported a document builder
    when its button was pressed held the window that long the first time (117 ms for a
    session's certificates). Views import them inside the work they hand to a worker."""
    paths = [p for p in modules("views") if p.name != "screenshots.py"]
    assert [f for p in paths for f in _document_imports_outside_workers(p)] == []


def test_opening_any_screen_or_dialog_loads_no_document_or_file_library():
    """Every window module is imported on the GUI thread when first opened: one that pulled in
    openpyxl (a dataclass beside the problem report's writer) held the window ~200 ms as the
    import wizard first opened. The libraries load inside the work handed to a worker."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import iltdesk.views, iltdesk.models\n"
        "for package in (iltdesk.views, iltdesk.models):\n"
        "    for found in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(found.name)\n"
        "heavy = ('openpyxl', 'reportlab', 'icalendar', 'python_calamine', 'pypdf')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith(heavy)}))\n"
    )
    assert _last_line_printed(script) == "[]"


def test_views_run_modal_dialogs_through_run_modal():
    """`dialog.exec()` left the dialog alive as its window's child: views call
    `views.modal.run_modal`, which deletes it once answered."""
    calls = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in modules("views")
        if path.name != "modal.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "exec"
        and not node.args
    ]
    assert calls == []


# SQLAlchemy's generics over "any column type" (`ColumnElement[Any]`, `Select[*tuple[Any, ...]]`)
# say what they are; a bare `Any` must say why.
_SQL_GENERICS = frozenset(
    {"Column", "ColumnElement", "CursorResult", "FunctionElement", "Row", "Select"}
)


def _unexplained_any(path: Path) -> list[str]:
    """Lines using `Any` with no comment on the line or just above (bar SQLAlchemy generics)."""
    import tokenize

    with path.open("rb") as handle:
        tokens = [t for t in tokenize.tokenize(handle.readline) if t.type != tokenize.NL]
    commented = {t.start[0] for t in tokens if t.type == tokenize.COMMENT}
    importing = {t.start[0] for t in tokens if t.type == tokenize.NAME and t.string == "import"}
    found = set()
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string != "Any":
            continue
        line = token.start[0]
        before = [t.string for t in tokens[max(0, i - 4) : i]]
        generic = len(before) >= 2 and before[-1] == "[" and before[-2] in _SQL_GENERICS
        unpacked = before[-4:] == ["*", "tuple", "["] or before[-3:] == ["*", "tuple", "["]
        if generic or unpacked or line in importing:
            continue
        if line not in commented and line - 1 not in commented:
            found.add(f"{path.relative_to(SRC)}:{line}")
    return sorted(found)


def test_every_any_says_why():
    """`Any` only where a library forces it, each with its reason (issue 15): on its line or
    the one above, or through a named alias that carries it (`models.base.ItemData`)."""
    paths = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]
    assert [f for p in paths for f in _unexplained_any(p)] == []


def test_every_type_ignore_says_why():
    """A `type: ignore` names its error code and, after it, the reason."""
    ignore = re.compile(r"# type: ignore\[[a-z-]+(?:, [a-z-]+)*\](?!\s+#)")
    found = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ignore.search(line)
        and not path.read_text(encoding="utf-8").splitlines()[number - 2].strip().startswith("#")
    ]
    assert found == []
