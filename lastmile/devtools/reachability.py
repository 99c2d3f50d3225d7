"""Which public services a user can reach: a static call graph of the product code.

Every action has a door (docs/architecture.md): a public function of ``lastmile/<app>/services.py`` or
``lastmile/<app>/services/*.py`` must be reached, directly or through other product functions, from a way
in: a page (a view that a ``urls.py`` routes), an API module (``api*.py`` or an ``api`` package), a task
(``tasks.py``), a management command or the CLI (``lastmile/cli.py``). Template tags,
context processors and middleware run on every page, and ``admin.py`` is served at ``/admin/``: they count
as pages.

What does not count: tests, the test kit (``lastmile/testing``), the simulation, the demo and seed
modules and migrations. A service only they call has no door.

The graph is built with :mod:`ast`, without importing anything. Names are resolved through each
module's imports (``from lastmile.measures import services`` then ``services.measure_lift``), package
re-exports (``services/__init__.py``) and module-level definitions. A reference to a class reaches all its
methods; reaching any definition of a module reaches the module's top-level statements (they run on
import). Names the analysis cannot resolve (``self.x``, ``getattr``) reach nothing: a service called only
that way has to be named in the test's ``BY_DESIGN``.
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "lastmile"
ROOT = Path(__file__).resolve().parents[1]  # .../lastmile

# Product code that is not a user's way in and not counted as a caller at all.
EXCLUDED_DIRS = frozenset({"tests", "testing", "simulation", "migrations", "devtools", "__pycache__"})
EXCLUDED_NAME_PARTS = ("demo", "seed")

MODULE_NODE = "<module>"


def _is_excluded(rel: Path) -> bool:
    if any(part in EXCLUDED_DIRS for part in rel.parts[:-1]):
        return True
    stem = rel.stem
    return any(word in stem for word in EXCLUDED_NAME_PARTS) or stem.startswith("test_")


def _is_entry(rel: Path) -> bool:
    """A module whose every definition is a way in: URL configurations (they route the views), API
    routers (their decorators register each operation), tasks, management commands, the CLI, template
    tags, context processors, middleware and the admin.

    View modules (``views*.py``, ``*_views.py``, a ``views`` package) are not ways in by themselves: a
    view counts when a URL configuration (or another way in, such as the case page's panel registry)
    names it, so a view nobody routes is no door."""
    parts = rel.parts
    name = rel.stem
    if rel.as_posix() == "cli.py":
        return True
    if name in {"urls", "tasks", "context_processors", "middleware", "admin"} or name.endswith("_urls"):
        return True
    if name.startswith("urls_"):  # a second URL configuration of an app (e.g. inquiry/urls_takings.py)
        return True
    if name.startswith("api") or any(part in {"api", "templatetags"} for part in parts[:-1]):
        return True
    return "management" in parts and "commands" in parts


def _is_service_module(rel: Path) -> bool:
    parts = rel.parts
    if len(parts) == 2 and parts[1] == "services.py":
        return True
    return len(parts) == 3 and parts[1] == "services" and rel.suffix == ".py"


def _module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([PACKAGE, *parts])


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    entry: bool
    service: bool
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    defs: dict[str, set[str]] = field(default_factory=dict)  # node -> referenced qualified names
    classes: set[str] = field(default_factory=set)
    public_functions: list[str] = field(default_factory=list)


class _RefCollector(ast.NodeVisitor):
    """The dotted names a piece of code mentions (``a``, ``a.b.c``), before resolution."""

    def __init__(self) -> None:
        self.refs: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        self.refs.add(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain: list[str] = [node.attr]
        value: ast.expr = node.value
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if isinstance(value, ast.Name):
            chain.append(value.id)
            # Every prefix: ``services.measure_lift`` and ``services``.
            chain.reverse()
            for i in range(1, len(chain) + 1):
                self.refs.add(".".join(chain[:i]))
        else:
            self.visit(value)


def _refs(nodes: Iterable[ast.AST]) -> set[str]:
    collector = _RefCollector()
    for n in nodes:
        collector.visit(n)
    return collector.refs


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _parse(rel: Path, path: Path) -> Module:
    name = _module_name(rel)
    mod = Module(
        name=name,
        path=path,
        is_package=rel.name == "__init__.py",
        entry=_is_entry(rel),
        service=_is_service_module(rel),
    )
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module_level: list[ast.AST] = []
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    mod.imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    mod.imports[top] = top
        elif isinstance(stmt, ast.ImportFrom):
            source = (
                _resolve_relative(name, mod.is_package, stmt.level, stmt.module)
                if stmt.level
                else stmt.module or ""
            )
            for alias in stmt.names:
                if alias.name != "*":
                    mod.imports[alias.asname or alias.name] = f"{source}.{alias.name}"
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mod.defs[stmt.name] = _refs([stmt])
            if not stmt.name.startswith("_"):
                mod.public_functions.append(stmt.name)
        elif isinstance(stmt, ast.ClassDef):
            mod.classes.add(stmt.name)
            mod.defs[stmt.name] = _refs([*stmt.bases, *stmt.keywords, *stmt.decorator_list])
            for item in stmt.body:
                node = (
                    f"{stmt.name}.{item.name}"
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                    else stmt.name
                )
                mod.defs.setdefault(node, set()).update(_refs([item]))
                if node != stmt.name:
                    mod.defs[stmt.name].add(node)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value_refs = _refs([stmt.value]) if stmt.value is not None else set()
            for target in targets:
                if isinstance(target, ast.Name):
                    mod.defs.setdefault(target.id, set()).update(value_refs)
                else:
                    module_level.append(stmt)
        elif not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            module_level.append(stmt)
    mod.defs[MODULE_NODE] = _refs(module_level)
    return mod


def _product_files(root: Path) -> Iterator[tuple[Path, Path]]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if not _is_excluded(rel):
            yield rel, path


@dataclass
class Graph:
    modules: dict[str, Module]
    edges: dict[str, set[str]]  # "module:node" -> {"module:node"}

    def services(self) -> list[str]:
        """Every public service as ``lastmile.app.services[.file]:function``."""
        return sorted(
            f"{m.name}:{fn}" for m in self.modules.values() if m.service for fn in m.public_functions
        )

    def entries(self) -> list[str]:
        return sorted(f"{m.name}:{node}" for m in self.modules.values() if m.entry for node in m.defs)

    def reached(self, roots: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        queue = deque(roots)
        while queue:
            node = queue.popleft()
            if node in seen:
                continue
            seen.add(node)
            queue.extend(self.edges.get(node, ()))
        return seen

    def unreached_services(self, *, by_design: Iterable[str] = ()) -> list[str]:
        """Public services no way in reaches; ``by_design`` services are roots (called on purpose)."""
        reached = self.reached([*self.entries(), *by_design])
        return [s for s in self.services() if s not in reached]


def _resolve(modules: dict[str, Module], qualified: str, depth: int = 0) -> str | None:
    """The ``module:node`` a dotted name denotes, following imports and re-exports."""
    if depth > 10 or not qualified.startswith(PACKAGE):
        return None
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        mod = modules.get(module_name)
        if mod is None:
            continue
        rest = parts[cut:]
        if not rest:
            return f"{module_name}:{MODULE_NODE}"
        if len(rest) >= 2 and f"{rest[0]}.{rest[1]}" in mod.defs:
            return f"{module_name}:{rest[0]}.{rest[1]}"
        if rest[0] in mod.defs:
            return f"{module_name}:{rest[0]}"
        if rest[0] in mod.imports:
            return _resolve(modules, ".".join([mod.imports[rest[0]], *rest[1:]]), depth + 1)
        return None
    return None


def build(root: Path = ROOT) -> Graph:
    """The call graph of the product code under ``root`` (the ``lastmile`` package directory)."""
    modules: dict[str, Module] = {}
    for rel, path in _product_files(root):
        mod = _parse(rel, path)
        modules[mod.name] = mod
    edges: dict[str, set[str]] = {}
    for mod in modules.values():
        module_node = f"{mod.name}:{MODULE_NODE}"
        for node, refs in mod.defs.items():
            key = f"{mod.name}:{node}"
            out = edges.setdefault(key, set())
            if node != MODULE_NODE:
                out.add(module_node)  # reaching a definition imports its module
            for ref in refs:
                head, _, tail = ref.partition(".")
                if head in mod.imports:
                    target = _resolve(modules, ".".join(filter(None, [mod.imports[head], tail])))
                elif head in mod.defs:
                    target = f"{mod.name}:{ref}" if ref in mod.defs else f"{mod.name}:{head}"
                else:
                    target = None
                if target is not None and target != key:
                    out.add(target)
        # A package's module node reaches what it re-exports from its own submodules (import side effects).
        if mod.is_package:
            for qualified in mod.imports.values():
                if qualified.startswith(mod.name + "."):
                    target = _resolve(modules, qualified)
                    if target is not None and target.endswith(MODULE_NODE):
                        edges[module_node].add(target)
    return Graph(modules=modules, edges=edges)


def main(argv: list[str]) -> int:
    """Print the services without a way in; ``argv[0]`` may name another checkout's ``lastmile`` dir."""
    graph = build(Path(argv[0]) if argv else ROOT)
    unreached = graph.unreached_services()
    for name in unreached:
        print(name)
    print(f"{len(unreached)} of {len(graph.services())} public services have no way in")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
