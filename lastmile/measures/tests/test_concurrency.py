"""One pending or active measure of a kind per debtor and case, and one 失信 listing per debtor and
case, held by the database: a proposal racing another is refused with the legal basis named and
nothing written, on SQLite and on PostgreSQL (20 parallel proposals)."""

from __future__ import annotations

import importlib
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from lastmile.cases.models import CaseEvent
from lastmile.measures import guardrails
from lastmile.measures.guardrails import GuardrailRefused, Proposal
from lastmile.measures.models import (
    DishonestListing,
    ListingStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    RemovalGround,
)
from lastmile.measures.services import listing_remove, measure_approve, measure_propose
from lastmile.testing.concurrency import run_parallel

from .helpers import list_debtor, notices_served, snapshot

K = MeasureKind


def _propose(actor, case, subject, now, kind=K.DISHONEST_LISTING, **terms):
    if kind == K.DISHONEST_LISTING:
        terms.setdefault("ground", 3)
        notices_served(case, subject, now, report=True)  # 失信规定 2017 arts. 1, 5
    return measure_propose(
        actor=actor,
        proposal=Proposal(kind=kind, case=case, subject=subject, **terms),
        reason="有履行能力而拒不履行",
        now=now,
        acknowledge_warnings=True,
    )


@pytest.fixture
def stale_precheck(monkeypatch):
    """The guardrail's read saw no duplicate: what every racing proposal sees before the first
    one commits."""
    monkeypatch.setattr(guardrails, "_duplicates", lambda proposal: [])


@pytest.mark.django_db
def test_racing_duplicate_proposal_is_refused_with_its_legal_basis(
    officer, officer2, case, debtor_person, now, stale_precheck
):
    first = _propose(officer, case, debtor_person, now)
    before = snapshot(case)
    with pytest.raises(GuardrailRefused) as info:
        _propose(officer2, case, debtor_person, now, ground=4)
    err = info.value
    assert err.code == "guardrail_refused"
    assert "已有相同措施正在审批或执行中" in err.message and "失信" in err.message  # the basis is named
    assert err.details["existing_measure"] == first.pk
    assert [r["code"] for r in err.details["reasons"]] == ["duplicate"]
    assert snapshot(case) == before  # nothing written, not even an event


@pytest.mark.django_db
def test_racing_duplicate_of_an_active_restriction_is_refused(
    officer, officer2, case, debtor_person, now, stale_precheck
):
    # 限制消费 is decided by the 院长 and is in force once approved
    m = _propose(officer, case, debtor_person, now, kind=K.CONSUMPTION_RESTRICTION)
    assert m.status == MeasureStatus.PROPOSED
    before = snapshot(case)
    with pytest.raises(GuardrailRefused):
        _propose(officer2, case, debtor_person, now, kind=K.CONSUMPTION_RESTRICTION)
    assert snapshot(case) == before


@pytest.mark.django_db
def test_fines_may_be_several_and_a_closed_listing_does_not_block_a_new_one(
    officer, president, case, debtor_person, now
):
    for _ in range(2):  # a new fine for a new act (民事诉讼法 2023 art. 118)
        _propose(officer, case, debtor_person, now, kind=K.FINE, amount=Decimal("1000"))
    assert Measure.objects.filter(case=case, kind=K.FINE, status=MeasureStatus.PROPOSED).count() == 2
    listing = list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    listing_remove(actor=officer, listing_id=listing.pk, ground=RemovalGround.WRONGFUL, now=now)
    again = list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    assert again.pk != listing.pk and again.status == ListingStatus.PUBLISHED


@pytest.mark.django_db
def test_database_constraints_on_sqlite_and_postgresql(officer, president, case, debtor_person, now):
    listing = list_debtor(officer=officer, president=president, case=case, subject=debtor_person, now=now)
    m = listing.measure
    for status in (MeasureStatus.PROPOSED, MeasureStatus.APPROVED, MeasureStatus.IN_FORCE):
        with pytest.raises(IntegrityError), transaction.atomic():
            Measure.objects.create(
                court=m.court,
                case=case,
                subject=debtor_person,
                kind=m.kind,
                status=status,
                reason="重复",
                ground=3,
                proposed_by=officer,
                proposed_at=now,
            )
    other = Measure.objects.create(
        court=m.court,
        case=case,
        subject=debtor_person,
        kind=m.kind,
        status=MeasureStatus.REJECTED,  # closed rows never count
        reason="重复",
        ground=3,
        proposed_by=officer,
        proposed_at=now,
    )
    fields = {
        f.name: getattr(listing, f.name)
        for f in DishonestListing._meta.concrete_fields
        if f.name not in ("id", "measure")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        DishonestListing.objects.create(**{**fields, "measure": other})
    with pytest.raises(IntegrityError), transaction.atomic():
        DishonestListing.objects.create(**{**fields, "measure": other, "status": ListingStatus.GRACE})


@pytest.mark.django_db
def test_migration_closes_duplicates_left_by_the_race(
    officer, officer2, president, case, debtor_person, now, stale_precheck
):
    """Data written before the constraint (six published listings for one debtor) is repaired:
    one measure and one listing stay, the others are revoked with the reason recorded."""
    constraints = {
        Measure: next(c for c in Measure._meta.constraints if c.name == "measure_one_active_per_kind"),
        DishonestListing: next(
            c for c in DishonestListing._meta.constraints if c.name == "listing_one_active_per_debtor_case"
        ),
    }
    # back to the old schema, inside the test transaction (partial unique indexes on both backends)
    editor = connection.schema_editor()
    with connection.cursor() as cursor:
        for model, c in constraints.items():
            cursor.execute(str(c.remove_sql(model, editor)))
    listings = []
    for n in range(3):
        m = _propose([officer, officer2][n % 2], case, debtor_person, now)
        m = measure_approve(actor=president, measure_id=m.pk, now=now)
        listings.append(DishonestListing.objects.get(measure=m))
    pending = _propose(officer, case, debtor_person, now)
    migration = importlib.import_module("lastmile.measures.migrations.0002_close_duplicate_measures")
    migration.close_duplicates(apps, editor)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the rows above: no index build with checks pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model, c in constraints.items():
            cursor.execute(str(c.create_sql(model, editor)))  # the repaired data satisfies it
    active = Measure.objects.filter(case=case, status__in=["proposed", "approved", "in_force"])
    assert list(active.values_list("pk", flat=True)) == [listings[0].measure_id]
    revoked = Measure.objects.filter(case=case, status=MeasureStatus.REVOKED)
    assert set(revoked.values_list("pk", flat=True)) == {
        listings[1].measure_id,
        listings[2].measure_id,
        pending.pk,
    }
    assert all(f"第{listings[0].measure_id}号" in r.close_reason for r in revoked)
    shown = DishonestListing.objects.filter(
        case=case, status__in=[ListingStatus.GRACE, ListingStatus.PUBLISHED]
    )
    assert list(shown.values_list("pk", flat=True)) == [listings[0].pk]
    for gone in listings[1:]:
        gone.refresh_from_db()
        assert gone.status == ListingStatus.REVOKED and gone.removal_ground == RemovalGround.WRONGFUL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_proposals_make_one_listing(officer, officer2, president, case, debtor_person, now):
    assert connection.vendor == "postgresql"
    refused: list[GuardrailRefused] = []
    lock = threading.Lock()
    notices_served(case, debtor_person, now, report=True)  # before the race: the workers only read them
    events_before = CaseEvent.objects.filter(case=case).count()

    def worker(n: int):
        def go() -> None:
            try:
                m = _propose([officer, officer2][n % 2], case, debtor_person, now, ground=3)
                measure_approve(
                    actor=president, measure_id=m.pk, now=now, document_number=f"（2025）湘0104执{n}号"
                )
            except GuardrailRefused as exc:
                with lock:
                    refused.append(exc)

        return go

    run_parallel([worker(n) for n in range(20)])
    listings = DishonestListing.objects.filter(case=case, party=debtor_person)
    assert listings.count() == 1 and listings.get().status == ListingStatus.PUBLISHED
    assert Measure.objects.filter(case=case, subject=debtor_person).count() == 1  # refused: nothing written
    assert len(refused) == 19
    assert all(e.details["reasons"][0]["code"] == "duplicate" for e in refused)
    # one proposal, one approval, one taking effect, and the one 失信决定书 it issued (issue K),
    # served on the debtor and the applicant: nothing else reached the timeline
    new = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))[
        events_before:
    ]
    assert sorted(new) == sorted(
        ["measures.proposed", "measures.approved", "measures.in_force", "document.issued"]
        + ["service.sent"] * 2
    )


@pytest.mark.django_db
def test_special_operation_name_taken_is_a_clear_refusal_not_a_500(yuelu, case, now):
    from datetime import date

    from lastmile.accounts.models import Role
    from lastmile.core.errors import Conflict
    from lastmile.measures.models import SpecialOperation
    from lastmile.measures.services import TargetCriteria, special_operation_create
    from lastmile.testing.factories import UserFactory

    commander = UserFactory(court=yuelu, role=Role.COMMAND_CENTER)
    make = {
        "actor": commander,
        "name": "湘执利剑",
        "starts_on": date(2025, 3, 1),
        "ends_on": date(2025, 3, 31),
        "criteria": TargetCriteria(min_amount=Decimal("1")),
        "now": now,
    }
    special_operation_create(**make)
    with pytest.raises(Conflict, match="同名专项行动"):
        special_operation_create(**make)
    assert SpecialOperation.objects.count() == 1


@pytest.mark.django_db
def test_special_operation_takes_a_debtor_in_two_roles_once(yuelu, case, debtor_person, now):
    from datetime import date

    from lastmile.accounts.models import Role
    from lastmile.cases.models import CaseParty, PartyRole
    from lastmile.measures.services import TargetCriteria, special_operation_create
    from lastmile.testing.factories import UserFactory

    CaseParty.objects.create(case=case, party=debtor_person, role=PartyRole.DEFENDANT, position=9)
    op = special_operation_create(
        actor=UserFactory(court=yuelu, role=Role.COMMAND_CENTER),
        name="夏季攻势",
        starts_on=date(2025, 6, 1),
        ends_on=date(2025, 6, 30),
        criteria=TargetCriteria(min_amount=Decimal("1")),
        now=now,
    )
    assert list(op.targets.values_list("case_id", "party_id")) == [(case.pk, debtor_person.pk)]
