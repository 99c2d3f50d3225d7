"""Each app's tables are written only by that app's own code.

A static scan (AST, nothing is imported or run) of every non-test module of every ``lastmile``
app for writes to a model that another app defines:

- ``Model.objects.create/bulk_create/bulk_update/update/update_or_create/get_or_create/delete``,
  also at the end of a chain (``Model.objects.filter(...).update(...)``);
- ``Model(...).save()`` / ``.delete()``;
- ``.save()``, ``.delete()``, ``.update()``, ``.bulk_update()``... on a name that holds a foreign
  model: a parameter or variable annotated with it, or assigned from ``Model(...)`` or from a
  ``Model.objects`` chain (``for x in Model.objects...`` too).

Reading another app's rows (``filter``, ``get``, ``select_for_update`` ...) is allowed; a write
goes through the owning app's services (``lastmile.<app>.services``). :data:`KNOWN` lists the
offenders not yet moved, so the test fails on any new one; an entry that is fixed must be removed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

LASTMILE = Path(__file__).resolve().parents[2]

# Methods that write rows, on a manager/queryset or on an instance.
MANAGER_WRITES = frozenset(
    {"create", "bulk_create", "bulk_update", "update", "update_or_create", "get_or_create", "delete"}
)
INSTANCE_WRITES = frozenset({"save", "delete"})

# Apps whose code builds rows of every app by design: the test kit (factories, fixtures).
EXEMPT_APPS = frozenset({"testing"})

# Reads the scan would otherwise take for writes: (app, module path, model, method) -> why.
ALLOWED_READS: dict[tuple[str, str, str], str] = {}

# Offenders not yet moved behind the owning app's services: "module model.method".
# Remove an entry when it is fixed; never add one for new code.
KNOWN: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Offence:
    module: str  # path relative to lastmile/, e.g. "filing/services.py"
    line: int
    model: str
    method: str
    owner: str  # the app that owns ``model``

    def key(self) -> str:
        return f"{self.module} {self.model}.{self.method}"

    def __str__(self) -> str:
        return f"{self.module}:{self.line} writes {self.owner}.{self.model} via .{self.method}()"


def model_owners() -> dict[str, dict[str, str]]:
    """``{models module: {class name: owning app}}`` for every model of a ``lastmile`` app."""
    owners: dict[str, dict[str, str]] = {}
    for model in apps.get_models():
        module = model.__module__
        if not module.startswith("lastmile."):
            continue
        owners.setdefault(module, {})[model.__name__] = module.split(".")[1]
    return owners


def _imported_models(tree: ast.Module, owners: dict[str, dict[str, str]], package: str) -> dict[str, str]:
    """Local name -> owning app, for every model class imported by ``tree`` (module aliases of a
    models module map as ``alias.`` prefixes)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            for alias in node.names:
                local = alias.asname or alias.name
                if module in owners and alias.name in owners[module]:
                    names[local] = owners[module][alias.name]
                elif f"{module}.{alias.name}" in owners:  # from lastmile.x import models
                    for cls, app in owners[f"{module}.{alias.name}"].items():
                        names[f"{local}.{cls}"] = app
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in owners:
                    prefix = alias.asname or alias.name
                    for cls, app in owners[alias.name].items():
                        names[f"{prefix}.{cls}"] = app
    return names


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


class _Scanner(ast.NodeVisitor):
    """Finds writes to models of another app than ``app`` in one module."""

    def __init__(self, *, app: str, module: str, models: dict[str, str]) -> None:
        self.app, self.module = app, module
        self.foreign = {name: owner for name, owner in models.items() if owner != app}
        self.scopes: list[dict[str, str]] = [{}]  # variable -> foreign model name
        self.offences: list[Offence] = []

    # -- what an expression holds -------------------------------------------------------------
    def _model_in_annotation(self, node: ast.expr | None) -> str | None:
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript):  # list[Model], QuerySet[Model] hold many
                name = _dotted(sub.value) or ""
                if name.split(".")[-1] not in ("QuerySet", "Optional"):
                    return None
            dotted = _dotted(sub) if isinstance(sub, ast.Name | ast.Attribute) else None
            if dotted in self.foreign:
                return dotted
        return None

    def _model_of(self, node: ast.expr) -> str | None:
        """The foreign model an expression is rooted at: ``Model(...)``, ``Model.objects...``,
        or a name known to hold one."""
        while True:
            if isinstance(node, ast.Call):
                dotted = _dotted(node.func)
                if dotted in self.foreign:
                    return dotted
                node = node.func
            elif isinstance(node, ast.Attribute):
                if node.attr in ("objects", "_default_manager"):
                    dotted = _dotted(node.value)
                    if dotted in self.foreign:
                        return dotted
                node = node.value
            elif isinstance(node, ast.Subscript):
                node = node.value
            elif isinstance(node, ast.Name):
                for scope in reversed(self.scopes):
                    if node.id in scope:
                        return scope[node.id]
                return None
            elif isinstance(node, ast.Await):
                node = node.value
            else:
                return None

    def _bind(self, target: ast.expr, model: str | None) -> None:
        if isinstance(target, ast.Name):
            if model:
                self.scopes[-1][target.id] = model
            else:
                self.scopes[-1].pop(target.id, None)
        elif isinstance(target, ast.Tuple | ast.List) and target.elts:
            # x, created = M.objects.get_or_create(...)
            self._bind(target.elts[0], model)
            for elt in target.elts[1:]:
                self._bind(elt, None)

    # -- scopes ---------------------------------------------------------------------------
    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        scope: dict[str, str] = {}
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            model = self._model_in_annotation(arg.annotation)
            if model:
                scope[arg.arg] = model
        self.scopes.append(scope)
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        model = self._model_of(node.value)
        for target in node.targets:
            self._bind(target, model)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit(node)
        model = self._model_in_annotation(node.annotation)
        if model is None and node.value is not None:
            model = self._model_of(node.value)
        self._bind(node.target, model)

    def visit_For(self, node: ast.For) -> None:
        self._bind(node.target, self._model_of(node.iter))
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._bind(node.target, self._model_of(node.iter))
        self.generic_visit(node)

    # -- writes ---------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Attribute):
            return
        method = node.func.attr
        if method not in MANAGER_WRITES | INSTANCE_WRITES:
            return
        model = self._model_of(node.func.value)
        if model is None:
            return
        if (self.module, model.split(".")[-1], method) in ALLOWED_READS:
            return
        self.offences.append(
            Offence(self.module, node.lineno, model.split(".")[-1], method, self.foreign[model])
        )


def scan_source(source: str, *, app: str, module: str, owners: dict[str, dict[str, str]]) -> list[Offence]:
    """Writes to another app's models in one module's source."""
    tree = ast.parse(source)
    package = "lastmile." + ".".join(Path(module).with_suffix("").parts[:-1])
    scanner = _Scanner(app=app, module=module, models=_imported_models(tree, owners, package))
    scanner.visit(tree)
    return scanner.offences


def product_modules() -> Iterator[tuple[str, Path]]:
    """(app, path) for every non-test, non-migration module of every app."""
    for path in sorted(LASTMILE.rglob("*.py")):
        parts = path.relative_to(LASTMILE).parts
        if len(parts) < 2 or parts[0] in EXEMPT_APPS:
            continue
        if {"tests", "migrations"} & set(parts[:-1]) or parts[-1] == "conftest.py":
            continue
        yield parts[0], path


def scan_all() -> list[Offence]:
    owners = model_owners()
    offences: list[Offence] = []
    for app, path in product_modules():
        module = path.relative_to(LASTMILE).as_posix()
        offences += scan_source(path.read_text(encoding="utf-8"), app=app, module=module, owners=owners)
    return offences


def test_no_app_writes_another_apps_tables() -> None:
    offences = scan_all()
    new = sorted(str(o) for o in offences if o.key() not in KNOWN)
    assert not new, "Writes to another app's tables (call the owning app's services):\n" + "\n".join(new)


def test_known_offenders_still_exist() -> None:
    """A fixed offender leaves :data:`KNOWN`, so the list only shrinks."""
    found = {o.key() for o in scan_all()}
    stale = sorted(k for k in KNOWN - found if (LASTMILE / k.split()[0]).exists())
    assert not stale, "Fixed; remove from KNOWN:\n" + "\n".join(stale)


PLANTED = """
from lastmile.cases.models import Case, CaseParty, Deadline
from lastmile.cases import models as case_models
from lastmile.parties.models import ElectronicAddress, Party
from .models import LoanClaim


def register(party: Party, case: "Case | None", now):
    Case.objects.create(number="x")
    CaseParty.objects.bulk_create([])
    Deadline.objects.filter(case=case).update(done_at=now)
    ElectronicAddress.objects.update_or_create(party=party)
    case_models.Deadline.objects.get_or_create(case=case)
    party.name = "y"
    party.save(update_fields=["name"])
    case.delete()
    Party(name="z").save()
    link = CaseParty(case=case)
    link.save()
    for row in Deadline.objects.filter(case=case):
        row.save()
    LoanClaim.objects.create(case=case)  # its own table
    Case.objects.filter(pk=1).select_for_update().first()  # a read
    return Party.objects.get(pk=1)  # a read
"""


def test_a_planted_violation_is_caught() -> None:
    found = scan_source(PLANTED, app="filing", module="filing/planted.py", owners=model_owners())
    assert [(o.line, o.model, o.method, o.owner) for o in found] == [
        (9, "Case", "create", "cases"),
        (10, "CaseParty", "bulk_create", "cases"),
        (11, "Deadline", "update", "cases"),
        (12, "ElectronicAddress", "update_or_create", "parties"),
        (13, "Deadline", "get_or_create", "cases"),
        (15, "Party", "save", "parties"),
        (16, "Case", "delete", "cases"),
        (17, "Party", "save", "parties"),
        (19, "CaseParty", "save", "cases"),
        (21, "Deadline", "save", "cases"),
    ]
    assert "filing/planted.py:9 writes cases.Case via .create()" in [str(o) for o in found]


def test_the_owning_app_may_write_its_own_tables() -> None:
    found = scan_source(PLANTED, app="cases", module="cases/planted.py", owners=model_owners())
    assert {o.owner for o in found} == {"parties"}
