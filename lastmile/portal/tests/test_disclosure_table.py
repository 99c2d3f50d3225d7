"""Every event kind and deadline kind the code can produce is classified in the disclosure table.

Kinds are typed: each app declares its event and deadline kinds as members of a subclass of
:class:`lastmile.cases.kinds.EventKind` / :class:`~lastmile.cases.kinds.DeadlineKind` in its own
``kinds`` module, and the case core's writers (``case_event_record``, ``ChainEntry``,
``deadline_open``) refuse anything else. So the set of kinds the code can produce is the union of
those enums, and the table must classify exactly that set.
"""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.utils import timezone

from lastmile.cases import disclosure
from lastmile.cases.kinds import CasesEvent, DeadlineKind, EventKind
from lastmile.cases.services import (
    ChainEntry,
    PartyInRole,
    case_register,
    deadline_cancel,
    deadline_complete,
    deadline_open,
)
from lastmile.enforcement.kinds import EnforcementDeadline, EnforcementEvent
from lastmile.enforcement.models import StepKind
from lastmile.measures.models import MeasureStatus


def _load_kinds() -> tuple[dict[str, EventKind], dict[str, DeadlineKind]]:
    for config in apps.get_app_configs():
        if config.name.startswith("lastmile."):
            try:
                importlib.import_module(f"{config.name}.kinds")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.kinds":
                    raise
    return EventKind.all_kinds(), DeadlineKind.all_kinds()


EVENTS, DEADLINES = _load_kinds()


def test_the_registry_holds_every_app_s_kinds():
    """The scan of kinds modules sees the kinds of every producing app (a guard on the guard)."""
    prefixes = {k.split(".", 1)[0] for k in EVENTS}
    assert prefixes >= {"case", "enforcement", "inquiry", "measures", "ledger", "document", "service"}
    assert prefixes >= {"mediation", "trial", "reception"}
    assert len(EVENTS) > 100 and len(DEADLINES) >= 17
    assert CasesEvent.REGISTERED in EVENTS.values()
    assert EnforcementDeadline.CLUE_CHECK in DEADLINES.values()


def test_every_kind_the_code_can_produce_is_classified():
    missing = [f"event kind {k!r}" for k in sorted(EVENTS) if k not in disclosure.EVENT_RULES]
    missing += [f"deadline kind {k!r}" for k in sorted(DEADLINES) if k not in disclosure.DEADLINE_RULES]
    assert not missing, (
        "classify these in lastmile/cases/disclosure.py (deny by default hides them from every "
        "party until then):\n" + "\n".join(missing)
    )


def test_the_table_names_no_kind_the_code_cannot_produce():
    """A typo in the table would leave the real kind unclassified and the typo harmless."""
    stale = sorted(set(disclosure.EVENT_RULES) - set(EVENTS))
    stale += sorted(set(disclosure.DEADLINE_RULES) - set(DEADLINES))
    assert not stale, stale


def test_step_and_status_events_cover_their_enums():
    """Events named after a procedural step or a measure's status exist for every value."""
    for step in StepKind.values:
        assert f"enforcement.step.{step}" in EVENTS, step
    for status in ("in_force", "expired", "lifted", "revoked"):
        assert status in MeasureStatus.values
        assert f"measures.{status}" in EVENTS, status


@pytest.mark.parametrize(
    "bad", ["enforcement.brand_new_secret", "case.registered", f"clue_{17}", EventKind, DeadlineKind]
)
def test_a_kind_typed_by_hand_is_refused(bad):
    """A plain or formatted string, even one equal to a declared kind, never reaches the tables."""
    with pytest.raises(TypeError):
        ChainEntry(kind=bad, summary="x", occurred_at=timezone.now())


@pytest.mark.django_db
def test_deadline_writers_refuse_a_kind_typed_by_hand(yuelu, clerk, bank, now):
    case = case_register(
        court=yuelu, type_code="执", parties=[PartyInRole(bank, "applicant")], actor=clerk, now=now
    )
    day = date(2026, 3, 2)
    with pytest.raises(TypeError):
        deadline_open(case=case, kind="clue", label="x", starts_on=day, due_on=day)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        deadline_complete(case=case, kind="clue", now=timezone.now())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        deadline_cancel(case=case, kinds=["clue"], now=timezone.now())  # type: ignore[list-item]
    assert not case.deadlines.exists()


@pytest.mark.parametrize("side", list(disclosure.Side))
def test_unknown_kinds_are_hidden_from_every_side(side):
    for kind in ("enforcement.brand_new_secret", "", "clue_", "clue_1", "settle_1_2"):
        assert disclosure.event_rule(kind).for_side(side) is None
        assert disclosure.deadline_rule(kind).for_side(side) is None
    assert disclosure.deadline_rule(EnforcementDeadline.CLUE_CHECK).for_side(disclosure.APPLICANT) is not None
    assert disclosure.deadline_rule(EnforcementDeadline.CLUE_CHECK).for_side(disclosure.DEBTOR) is None


def test_plans_clues_proposals_and_unlanded_results_are_never_the_debtors():
    debtor_never = [
        EnforcementEvent.CLUE_SUBMITTED,
        EnforcementEvent.CLUE_VERIFIED,
        EnforcementEvent.EMERGENCY_OPENED,
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
        assert kind in EVENTS
        assert disclosure.event_rule(kind).debtor is None, kind
    assert disclosure.deadline_rule(EnforcementDeadline.CLUE_CHECK).debtor is None
    assert disclosure.event_rule("inquiry.assets_found").applicant is not None
