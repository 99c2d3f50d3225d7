"""Every event kind and deadline kind the code can produce is classified in the disclosure table.

Kinds are free strings, some built with f-strings, some passed through helpers. The scan reads
the source (AST) of every app: calls to ``case_event_record``, ``ChainEntry`` (events appended to
the chain directly, in bulk) and ``deadline_open``, and — found
by fixpoint — any function that passes its own ``kind`` parameter on to one of them (wrappers
such as ``case_status_change`` or the inquiry app's ``_event``). Each ``kind`` argument is
resolved to literal strings (constants, ``x if c else y``, local variables and tuple
assignments, ``@property`` returns, module constants inside f-strings); an f-string with a
runtime placeholder becomes a *template* that must be listed in ``TEMPLATE_EXAMPLES`` with the
concrete kinds it can take. Anything the scan cannot resolve fails the test, so does any kind
the table leaves out.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from lastmile.cases import disclosure
from lastmile.enforcement.models import StepKind
from lastmile.measures.models import MeasureStatus

ROOT = Path(__file__).resolve().parents[2]  # the lastmile package
BASE_PRODUCERS = {"case_event_record": "event", "ChainEntry": "event", "deadline_open": "deadline"}

#: f-string kinds with a runtime placeholder → the concrete kinds they can take (all values of
#: the enum they range over, or examples of an id / date suffix).
TEMPLATE_EXAMPLES: dict[str, list[str]] = {
    "enforcement.step.{kind}": [f"enforcement.step.{v}" for v in StepKind.values],
    "measures.{status}": [f"measures.{v}" for v in MeasureStatus.values],
    "clue_{clue.pk}": ["clue_1", "clue_90210"],
    "assist_{req.pk}": ["assist_7"],
    "settle_{row.pk}": ["settle_3"],
    "requery_{nxt.seq}": ["requery_1", "requery_10"],
    "inquiry_renew_{self.pk}": ["inquiry_renew_12"],
    "funds_payout:{arrived_on}": ["funds_payout:20250506"],
    "listing_correction_{req.pk}": ["listing_correction_4"],
    "measure_review_window_{m.pk}": ["measure_review_window_5"],
    "measure_review_{review.pk}": ["measure_review_6"],
}


@dataclass(frozen=True)
class Found:
    table: str  # "event" | "deadline"
    kind: str  # a literal kind, a template, or the source of what could not be resolved
    how: str  # "exact" | "template" | "unresolved"
    where: str


def _sources(root: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        if {"tests", "migrations", "testing"} & set(rel.parts):
            continue
        yield str(rel), path.read_text(encoding="utf-8")


def _call_name(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[list[str], list[str]]:
    a = fn.args
    return [x.arg for x in a.posonlyargs + a.args], [x.arg for x in a.kwonlyargs]


def scan(sources: Iterable[tuple[str, str]]) -> list[Found]:
    """Every kind the given modules can produce, resolved as far as the source allows."""
    modules = [(name, ast.parse(text, name)) for name, text in sources]
    parents: dict[ast.AST, ast.AST] = {}
    constants: dict[str, dict[str, str]] = {}
    properties: dict[str, list[ast.FunctionDef]] = {}
    for name, tree in modules:
        constants[name] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list
            ):
                properties.setdefault(node.name, []).append(node)
        for stmt in tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)
            ):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        constants[name][target.id] = stmt.value.value

    def enclosing(node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    # producer name → (table, positional index of its kind parameter or None)
    producers: dict[str, tuple[str, int | None]] = {n: (t, None) for n, t in BASE_PRODUCERS.items()}
    sites: list[tuple[str, int, str, ast.expr | None, ast.FunctionDef | ast.AsyncFunctionDef | None]] = []
    changed = True
    while changed:
        changed = False
        sites = []
        for name, tree in modules:
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                callee = _call_name(node)
                if callee not in producers:
                    continue
                fn = enclosing(node)
                if fn is not None and fn.name in BASE_PRODUCERS:
                    continue  # the producers' own bodies
                table, position = producers[callee]
                arg: ast.expr | None = next((k.value for k in node.keywords if k.arg == "kind"), None)
                if arg is None and position is not None and position < len(node.args):
                    arg = node.args[position]
                if isinstance(arg, ast.Name) and fn is not None:
                    positional, keyword_only = _params(fn)
                    if arg.id in positional or arg.id in keyword_only:
                        if fn.name not in producers:  # a wrapper: its callers produce the kind
                            index = positional.index(arg.id) if arg.id in positional else None
                            producers[fn.name] = (table, index)
                            changed = True
                        continue
                sites.append((name, node.lineno, table, arg, fn))

    def resolve(expr: ast.expr | None, fn: ast.AST | None, module: str) -> list[tuple[str, str]]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return [("exact", expr.value)]
        if isinstance(expr, ast.IfExp):
            return resolve(expr.body, fn, module) + resolve(expr.orelse, fn, module)
        if isinstance(expr, ast.JoinedStr):
            parts = []
            for value in expr.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                elif isinstance(value, ast.FormattedValue):
                    inner = value.value
                    if isinstance(inner, ast.Name) and inner.id in constants[module]:
                        parts.append(constants[module][inner.id])
                    else:
                        parts.append("{" + ast.unparse(inner) + "}")
            text = "".join(parts)
            return [("template" if "{" in text else "exact", text)]
        if isinstance(expr, ast.Name) and fn is not None:
            found: list[tuple[str, str]] = []
            for node in ast.walk(fn):
                if not isinstance(node, ast.Assign):
                    continue
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == expr.id:
                        found += resolve(node.value, fn, module)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for t, v in zip(target.elts, node.value.elts, strict=False):
                            if isinstance(t, ast.Name) and t.id == expr.id:
                                found += resolve(v, fn, module)
            if not found and expr.id in constants[module]:  # a module constant
                found = [("exact", constants[module][expr.id])]
            return found or [("unresolved", ast.unparse(expr))]
        if isinstance(expr, ast.Name) and expr.id in constants[module]:
            return [("exact", constants[module][expr.id])]
        if isinstance(expr, ast.Attribute) and expr.attr in properties:
            found = []
            for prop in properties[expr.attr]:
                for node in ast.walk(prop):
                    if isinstance(node, ast.Return):
                        found += resolve(node.value, prop, module)
            return found or [("unresolved", ast.unparse(expr))]
        return [("unresolved", "<no kind>" if expr is None else ast.unparse(expr))]

    result = []
    for module, line, table, arg, fn in sites:
        for how, kind in resolve(arg, fn, module):
            result.append(Found(table=table, kind=kind, how=how, where=f"{module}:{line}"))
    return result


def concrete_kinds(found: Iterable[Found]) -> tuple[dict[str, set[str]], list[str]]:
    """Expand templates; returns ``{table: kinds}`` and the problems (unresolved sites,
    templates without examples)."""
    kinds: dict[str, set[str]] = {"event": set(), "deadline": set()}
    problems = []
    for f in found:
        if f.how == "exact":
            kinds[f.table].add(f.kind)
        elif f.how == "template" and f.kind in TEMPLATE_EXAMPLES:
            kinds[f.table].update(TEMPLATE_EXAMPLES[f.kind])
        elif f.how == "template":
            problems.append(
                f"{f.where}: {f.table} kind template {f.kind!r} has no entry in TEMPLATE_EXAMPLES "
                "(list the concrete kinds it can take, then classify them)"
            )
        else:
            problems.append(f"{f.where}: cannot tell which {f.table} kind {f.kind!r} is")
    return kinds, problems


def unclassified(kinds: dict[str, set[str]]) -> list[str]:
    missing = [f"event kind {k!r}" for k in sorted(kinds["event"]) if not disclosure.event_classified(k)]
    missing += [
        f"deadline kind {k!r}" for k in sorted(kinds["deadline"]) if not disclosure.deadline_classified(k)
    ]
    return missing


@pytest.fixture(scope="module")
def produced() -> tuple[dict[str, set[str]], list[str]]:
    return concrete_kinds(scan(_sources(ROOT)))


def test_the_scan_finds_the_kinds_it_should(produced):
    kinds, _ = produced
    # one of each way a kind is written: a literal, a conditional, a wrapper (_event in inquiry,
    # case_status_change), a tuple assignment, an f-string over an enum, a property
    assert {"case.registered", "enforcement.received_online", "enforcement.filed"} <= kinds["event"]
    assert {"inquiry.assets_found", "inquiry.frozen", "enforcement.suspended"} <= kinds["event"]
    assert {"ledger.obligation_recorded", "ledger.obligation_amended"} <= kinds["event"]
    assert "enforcement.step.execution_notice" in kinds["event"]
    assert "inquiry_renew_12" in kinds["deadline"] and "funds_payout:20250506" in kinds["deadline"]
    assert len(kinds["event"]) > 100 and len(kinds["deadline"]) > 15


def test_every_kind_the_code_produces_is_classified(produced):
    kinds, problems = produced
    assert not problems, "\n".join(problems)
    missing = unclassified(kinds)
    assert not missing, (
        "classify these in lastmile/cases/disclosure.py (deny by default hides them from every "
        "party until then):\n" + "\n".join(missing)
    )


def test_the_table_names_no_kind_the_code_cannot_produce(produced):
    """A typo in the table would leave the real kind unclassified and the typo harmless."""
    kinds, _ = produced
    stale = sorted(set(disclosure.EVENT_RULES) - kinds["event"])
    stale += sorted(set(disclosure.DEADLINE_RULES) - kinds["deadline"])
    assert not stale, stale


NEW_KIND_MODULE = """
from lastmile.cases.services import case_event_record, deadline_open

def _log(case, kind, summary, now):
    case_event_record(case=case, kind=kind, summary=summary, actor=None, now=now)

def brand_new(case, now, obj):
    _log(case, "enforcement.brand_new_secret", "x", now)
    case_event_record(case=case, kind="case.registered", summary="x", actor=None, now=now)
    deadline_open(case=case, kind=f"secret_plan_{obj.pk}", label="x", starts_on=now, due_on=now)
    what = "inquiry.frozen" if obj else "inquiry.newly_invented"
    case_event_record(case=case, kind=what, summary="x", actor=None, now=now)
    case_event_record(case=case, kind=obj.kind_name(), summary="x", actor=None, now=now)
"""


def test_an_unclassified_kind_fails_the_check():
    """The check can fail: a module producing new kinds through a wrapper, a conditional, an
    f-string and a call is caught, while the classified kinds beside them pass."""
    kinds, problems = concrete_kinds(scan([("lastmile/fake/services.py", NEW_KIND_MODULE)]))
    assert kinds["event"] == {
        "enforcement.brand_new_secret",
        "case.registered",
        "inquiry.frozen",
        "inquiry.newly_invented",
    }
    assert unclassified(kinds) == [
        "event kind 'enforcement.brand_new_secret'",
        "event kind 'inquiry.newly_invented'",
    ]
    assert any("secret_plan_{obj.pk}" in p for p in problems)  # template without examples
    assert any("obj.kind_name()" in p for p in problems)  # cannot be resolved


@pytest.mark.parametrize("side", list(disclosure.Side))
def test_unknown_kinds_are_hidden_from_every_side(side):
    for kind in ("enforcement.brand_new_secret", "", "clue_", "clue_1x", "settle_1_2"):
        assert disclosure.event_rule(kind).for_side(side) is None
        assert disclosure.deadline_rule(kind).for_side(side) is None
    assert disclosure.deadline_rule("clue_17").for_side(disclosure.APPLICANT) is not None
    assert disclosure.deadline_rule("clue_17").for_side(disclosure.DEBTOR) is None


def test_plans_clues_proposals_and_unlanded_results_are_never_the_debtors():
    debtor_never = [
        "enforcement.clue_submitted",
        "enforcement.clue_verified",
        "enforcement.emergency_opened",
        "measures.proposed",
        "measures.approved",
        "inquiry.started",
        "inquiry.assets_found",
        "inquiry.freeze_ordered",
        "inquiry.seize_ordered",
        "inquiry.deduct_ordered",
        "document.issued",
    ]
    for kind in debtor_never:
        assert disclosure.event_rule(kind).debtor is None, kind
    assert disclosure.deadline_rule("clue_1").debtor is None
    assert disclosure.event_rule("inquiry.assets_found").applicant is not None
    assert re.fullmatch(r"[a-z_.]+", "enforcement.step.execution_notice")
