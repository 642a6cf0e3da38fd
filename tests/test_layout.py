"""The shape of the package: imports point one way, so that no circle of modules
comes back, and the core never reaches up into the command line."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "newsletter"
# The command line: the only modules that print or ask, and the only ones that
# may import Click.
COMMAND_LINE = {"__main__", "cli", "commands", "calendar_commands", "catalog_commands",
                "notes_commands"}  # fmt: skip


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


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
                add(node.module)
                for alias in node.names:  # from newsletter.x import y, where y is a module
                    if f"{node.module.removeprefix('newsletter.')}.{alias.name}" in known:
                        add(f"{node.module}.{alias.name}")
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
        if name not in COMMAND_LINE
        for other in imported & COMMAND_LINE
    }
    assert climbing == set()
    for path in PACKAGE.rglob("*.py"):
        if module_name(path) not in COMMAND_LINE:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert "click" not in modules, f"{module_name(path)} imports click"
