"""Error codes are typed per app and the HTTP status comes from the error's class.

Every code the platform answers with is a member of some app's ``error_codes`` enum (the values
are the wire format, so they must not drift into free strings), and the API chooses the status by
the :class:`~lastmile.core.errors.DomainError` subclass, never by looking the code up.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from enum import StrEnum
from pathlib import Path

import pytest
from django.test import RequestFactory

import lastmile
from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import (
    ConditionsNotMet,
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    RateLimited,
)
from lastmile.filing.error_codes import FilingErrorCode
from lastmile.web import api as web_api

ROOT = Path(lastmile.__file__).parent
# The simulator plays the institutions' side of the wire; its answers are not ours.
SKIP_PARTS = {"tests", "migrations", "integrations", "testing"}
# Modules that define DomainError subclasses outside what the API module imports.
ERROR_MODULES = (
    "lastmile.documents.markup",
    "lastmile.documents.rendering",
    "lastmile.enforcement.services",
    "lastmile.filing.reading",
    "lastmile.filing.services",
    "lastmile.ledger.interest",
    "lastmile.measures.guardrails",
    "lastmile.statistics.views",
)
# Calls whose first argument is a code.
CODE_FIRST = {"_Bad", "Reason", "SignatureError"}


def _enums() -> list[type[StrEnum]]:
    found = []
    for app in pkgutil.iter_modules([str(ROOT)]):
        if not (ROOT / app.name / "error_codes.py").exists():
            continue
        module = importlib.import_module(f"lastmile.{app.name}.error_codes")
        found += [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, StrEnum) and v.__module__ == module.__name__
        ]
    return found


def _codes() -> set[str]:
    return {m.value for enum in _enums() for m in enum}


def _subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
    out = set()
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("lastmile.") and ".tests." not in sub.__module__:
            out.add(sub)
        out |= _subclasses(sub)
    return out


def _product_files() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if not SKIP_PARTS & set(p.relative_to(ROOT).parts)]


def _literal(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _literal_codes(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a code is written as a bare string: a ``code = "…"`` class attribute, a raise with
    ``code="…"``, a ``{"code": "…"}`` body, or a literal first argument of a code-first call."""
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                target = stmt.targets[0] if isinstance(stmt, ast.Assign) else getattr(stmt, "target", None)
                if isinstance(target, ast.Name) and target.id == "code" and _literal(stmt.value):  # type: ignore[attr-defined]
                    hits.append((stmt.lineno, f"class {node.name}: code = literal"))
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if getattr(node.exc.func, "attr", "") == "ValidationError":
                continue  # a Django form's own error code, shown on the form, never answered
            for kw in node.exc.keywords:
                if kw.arg == "code" and _literal(kw.value):
                    hits.append((node.lineno, "raise …(code=literal)"))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if _literal(key) and key.value == "code" and _literal(value):  # type: ignore[union-attr]
                    hits.append((node.lineno, '{"code": literal}'))
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in CODE_FIRST and node.args and _literal(node.args[0]):
                hits.append((node.lineno, f"{name}(literal, …)"))
    return hits


def test_no_code_is_a_bare_string():
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {what}"
        for path in _product_files()
        for line, what in _literal_codes(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_enum_values_are_unique_within_each_app_enum_and_snake_case():
    for enum in _enums():
        values = [m.value for m in enum]
        assert len(values) == len(set(values)), enum
        assert all(v.replace("_", "").isalnum() and v == v.lower() for v in values), enum


def test_every_domain_error_class_carries_an_enum_code():
    for name in ERROR_MODULES:
        importlib.import_module(name)
    codes = _codes()
    classes = _subclasses(DomainError) | {DomainError}
    assert len(classes) > 15
    for cls in classes:
        assert isinstance(cls.code, StrEnum), cls
        assert cls.code in codes, cls


def test_every_code_the_http_layer_answers_is_an_enum_member():
    codes = _codes()
    assert set(web_api._CODE_BY_STATUS.values()) <= codes
    assert not hasattr(web_api, "_STATUS_BY_CODE")


@pytest.mark.parametrize(
    ("cls", "status"),
    [
        (DomainError, 400),
        (PermissionDenied, 403),
        (NotFound, 404),
        (InvalidTransition, 409),
        (ConditionsNotMet, 409),
        (Conflict, 409),
        (PayloadTooLarge, 413),
        (RateLimited, 429),
    ],
)
def test_core_classes_name_their_status(cls, status):
    assert cls.http_status == status


def _answer(exc: DomainError) -> tuple[int, dict]:
    response = web_api.domain_error(RequestFactory().get("/api/v1/x"), exc)
    return response.status_code, json.loads(response.content)


def test_the_status_comes_from_the_class_not_the_code():
    for name in ERROR_MODULES:
        importlib.import_module(name)
    for cls in _subclasses(DomainError) | {DomainError}:
        status, body = _answer(cls("消息"))
        assert status == cls.http_status, cls
        assert body == {"code": str(cls.code), "message": "消息", "details": body["details"]}
    # A more precise code keeps its class's status ...
    assert _answer(PermissionDenied("x", code=FilingErrorCode.COURT_NOT_ALLOWED))[0] == 403
    # ... and a code that reads like another class's does not borrow that class's status.
    assert _answer(DomainError("x", code=CoreErrorCode.NOT_FOUND))[0] == 400


def test_codes_keep_their_wire_strings():
    from lastmile.filing.services import BatchIdConflict
    from lastmile.ledger.interest import LprUnavailable

    assert _answer(BatchIdConflict("x")) == (
        409,
        {"code": "batch_id_conflict", "message": "x", "details": {}},
    )
    assert _answer(LprUnavailable("x", unmet=["lpr_published"])) == (
        400,
        {"code": "lpr_unavailable", "message": "x", "details": {"unmet": ["lpr_published"]}},
    )
    assert json.dumps({"code": CoreErrorCode.RATE_LIMITED}) == '{"code": "rate_limited"}'
