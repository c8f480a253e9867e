"""The one-way layers of docs/architecture.md, enforced on every module's syntax tree.

Imports inside functions count; imports under `if TYPE_CHECKING:` carry no behaviour and are
exempt. The table below is the one in docs/architecture.md (a test keeps the two equal).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "galcli"

BASE = {
    "galcli",
    "errors",
    "problems",
    "fileio",
    "paths",
    "settings",
    "specs",
    "forked",
    "environment",
}

# layer -> the layers it may import at run time
ALLOWED: dict[str, set[str]] = {
    "base": {"base"},
    "bib": {"base", "bib"},
    "latex": {"base", "bib", "latex"},
    "verify": {"base", "bib", "latex", "verify"},
    "retrieve": {"base", "bib", "latex", "retrieve"},
    "lookup": {"base", "bib", "lookup"},
    "provenance": {"base", "provenance"},
    "model": {"base", "provenance", "model"},
    "tasks": {
        "base",
        "bib",
        "latex",
        "verify",
        "retrieve",
        "lookup",
        "model",
        "provenance",
        "tasks",
    },
    "render": {"base", "bib", "render"},
    "lsp": {"lsp", "tasks", "render", "settings", "errors", "problems", "fileio", "galcli"},
    "cli": {
        "cli",
        "lsp",
        "tasks",
        "render",
        "settings",
        "specs",
        "errors",
        "problems",
        "environment",
        "fileio",
        "galcli",
    },
    "__main__": {"cli"},  # `python -m galcli`
}


def layer_of(module: str) -> str:
    """'galcli.verify.smiles' -> 'verify'; 'galcli.settings' -> 'settings' (a base module)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "galcli"  # the package itself: its version number
    name = parts[1]
    return name if name in ALLOWED and name != "base" else name


def allowed(source: str, target: str) -> bool:
    src, dst = layer_of(source), layer_of(target)
    src_layer = "base" if src in BASE else src
    permitted = ALLOWED[src_layer]
    if dst in BASE:
        return "base" in permitted or dst in permitted
    return dst in permitted


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.found: list[tuple[int, str]] = []

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "galcli":
                self.found.append((node.lineno, alias.name))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            if not self.is_package:
                base = base[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        if target.split(".")[0] != "galcli":
            return
        if target == "galcli":  # `from galcli import x`: x names a module, or a name in galcli
            for alias in node.names:
                is_module = (PACKAGE / alias.name).is_dir() or (
                    PACKAGE / f"{alias.name}.py"
                ).exists()
                self.found.append((node.lineno, f"galcli.{alias.name}" if is_module else "galcli"))
        else:  # `from galcli.cli import check`: the module galcli.cli.check where there is one
            folder = PACKAGE.joinpath(*target.split(".")[1:])
            for alias in node.names:
                is_module = (folder / alias.name).is_dir() or (folder / f"{alias.name}.py").exists()
                self.found.append((node.lineno, f"{target}.{alias.name}" if is_module else target))


def imports(path: Path) -> list[tuple[int, str]]:
    visitor = _Imports(module_name(path), path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    return visitor.found


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = module_name(path)
        if layer_of(source) not in ALLOWED and layer_of(source) not in BASE:
            found.append(f"{path.relative_to(ROOT)}: package not in the layer table")
            continue
        for line, target in imports(path):
            if layer_of(target) not in ALLOWED and layer_of(target) not in BASE:
                found.append(f"{path.relative_to(ROOT)}:{line}: {target} is in no layer")
            elif not allowed(source, target):
                found.append(f"{path.relative_to(ROOT)}:{line}: imports {target}")
    return found


def test_every_import_follows_the_layers() -> None:
    assert violations() == []


def test_the_checker_sees_imports_inside_functions_and_skips_type_checking(tmp_path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from galcli.tasks.cite import CiteResult\n"
        "def f():\n    from galcli.model.hf import HFBackend\n"
    )
    tree = ast.parse(source)
    visitor = _Imports("galcli.render.cite", False)
    visitor.visit(tree)
    assert visitor.found == [(5, "galcli.model.hf")]
    assert not allowed("galcli.render.cite", "galcli.model.hf")
    assert allowed("galcli.cli.cite", "galcli.tasks.cite")
    assert not allowed("galcli.verify.smiles", "galcli.retrieve.bm25")
    assert not allowed("galcli.cli.cite", "galcli.verify.citations")
    assert allowed("galcli.retrieve.bm25", "galcli.bib.normalize")


def test_the_table_is_the_one_in_docs_architecture() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (`?[a-z_/]+`?[^|]*)\| ([^|]+) \|$", text, re.M)
    documented: dict[str, set[str]] = {}
    for left, right in rows:
        layer = left.split()[0].strip("`/")
        if layer in ("package",):
            continue
        documented[layer] = {word.strip("`/ ") for word in re.sub(r"\(.*?\)", "", right).split(",")}
    for layer, permitted in ALLOWED.items():
        if layer == "__main__":
            continue
        assert layer in documented, layer
        assert {p for p in permitted if p != layer} == documented[layer] - {layer}, layer


def test_verify_never_imports_torch() -> None:
    for path in (PACKAGE / "verify").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"torch", "transformers"}, (path, name)


def module_graph() -> dict[str, set[str]]:
    """galcli module -> the galcli modules it imports at run time (TYPE_CHECKING skipped)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for _, target in imports(path):
            while target and target not in modules:
                target = target.rpartition(".")[0]  # `from galcli.x import f`: module galcli.x
            if target and target != name and target != "galcli":
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back() -> None:
    assert cycles(module_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


MAX_LINES = 400  # a module that grows past this holds more than one job: split it


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}
