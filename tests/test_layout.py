"""The shape of the package: imports point one way, so that no circle of modules
comes back, and the core never reaches up into the command line."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "newsletter"


def module_name(path: Path) -> str:
    """'send.cron' for newsletter/send/cron.py; 'send' for its package's __init__.py."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def command_line(module: str) -> bool:
    """The command line (cli/ and __main__): the only modules that print or ask, and
    the only ones that may import Click."""
    return module == "__main__" or module == "cli" or module.startswith("cli.")


def imports_of(source: str, known: set[str]) -> set[str]:
    """The package's modules a module imports: at the top, inside functions, for
    type checking only, and by name through importlib (a circle all the same)."""
    found: set[str] = set()

    def add(dotted: str) -> None:
        name = dotted.removeprefix("newsletter.").removeprefix("newsletter")
        while name and name not in known:  # newsletter.a.b where a.b is no module: a
            name = name.rpartition(".")[0]
        if name:
            found.add(name)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "newsletter":
                for alias in node.names:
                    add(alias.name)
            elif node.module.startswith("newsletter."):
                package = node.module.removeprefix("newsletter.")
                submodules = [a.name for a in node.names if f"{package}.{a.name}" in known]
                for name in submodules:  # from newsletter.x import y, where y is a module
                    add(f"{node.module}.{name}")
                if len(submodules) < len(node.names):  # and names defined in x itself
                    add(node.module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("newsletter."):
                    add(alias.name)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).startswith("newsletter.")
        ):
            add(str(node.args[0].value))
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), known) - {name}
        for name, path in paths.items()
    }


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each set of modules that import each other round (Tarjan's strongly
    connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_circle_of_imports_in_the_package():
    assert circles(import_graph()) == []


def test_the_check_finds_a_circle_however_it_is_imported():
    known = {"a", "b", "c", "d"}
    graph = {
        "a": imports_of("from newsletter.b import x", known),
        "b": imports_of("def f():\n    from newsletter import c", known),
        "c": imports_of("import importlib\nimportlib.import_module('newsletter.a')", known),
        "d": imports_of(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from newsletter.a import y",
            known,
        ),  # fmt: skip
    }
    assert graph["d"] == {"a"}
    assert circles(graph) == [["a", "b", "c"]]


def test_the_core_never_imports_the_command_line():
    graph = import_graph()
    climbing = {
        f"{name} imports {other}"
        for name, imported in graph.items()
        if not command_line(name)
        for other in imported
        if command_line(other)
    }
    assert climbing == set()
    for path in PACKAGE.rglob("*.py"):
        if not command_line(module_name(path)):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert "click" not in modules, f"{module_name(path)} imports click"


# The floors of the house, lowest first: a package imports its own modules and those
# of the floors below, never one beside it or above (the README lists them).
FLOORS = [
    {"", "errors"},  # "": newsletter/__init__.py, the version
    {"clock", "text"},
    {"workspace"},
    {"model"},
    {"feeds", "calendar", "archive", "approvals"},
    {"notes", "email"},
    {"catalog", "pd"},
    {"issue"},
    {"check", "site", "send"},
    {"cli"},
    {"__main__"},
]


def floor_of(module: str) -> int:
    package = module.partition(".")[0]
    return next(number for number, floor in enumerate(FLOORS) if package in floor)


def climbing(graph: dict[str, set[str]]) -> set[str]:
    """Each import that goes to a package beside or above its own."""
    return {
        f"{name} imports {other}"
        for name, imported in graph.items()
        for other in imported
        if other.partition(".")[0] != name.partition(".")[0] and floor_of(other) >= floor_of(name)
    }


def test_every_module_is_on_a_floor():
    assert [m for m in import_graph() if not any(m.partition(".")[0] in f for f in FLOORS)] == []


def test_imports_go_down_the_floors_only():
    assert climbing(import_graph()) == set()


def test_the_floors_check_finds_an_import_beside_or_above():
    graph = {"notes.read": {"email.render", "model"}, "feeds.collect": {"issue.assemble"}}
    assert climbing(graph) == {
        "notes.read imports email.render",
        "feeds.collect imports issue.assemble",
    }


def prints_or_asks(source: str) -> list[str]:
    """The calls of a module that print or ask: print(), input(), sys.stdout/stderr."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("print", "input"):
            found.append(f"{node.func.id}() at line {node.lineno}")  # type: ignore[attr-defined]
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("stdout", "stderr", "stdin")
            and getattr(node.value, "id", "") == "sys"
        ):
            found.append(f"sys.{node.attr} at line {node.lineno}")
    return found


def test_the_core_never_prints_or_asks():
    found = {
        module_name(path): prints_or_asks(path.read_text(encoding="utf-8"))
        for path in PACKAGE.rglob("*.py")
        if not command_line(module_name(path))
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_print_check_finds_each_way_of_printing():
    source = "import sys\nprint('x')\nsys.stderr.write('y')\nanswer = input()\n"
    assert sorted(prints_or_asks(source)) == [
        "input() at line 4",
        "print() at line 2",
        "sys.stderr at line 3",
    ]


def test_no_module_grows_past_about_600_lines():
    """A module past that holds more than one idea: split it, in the package of its stage."""
    long = {
        module_name(path): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 620
    }
    assert long == {}
