"""The document each act of the measures app issues, and whom it is served on (issue K: every act
issues its document and serves it).

An act issues its document from the catalog (:mod:`lastmile.documents.catalog`) through
:func:`lastmile.documents.services.document_issue` (numbered, sealed, stored) at the moment it
takes effect, in the act's transaction, and serves it through :mod:`lastmile.service` (which sits
below measures): on the person the act reaches, on the organisation behind whom a person is
reached (民事诉讼法 2023 art. 114 ¶2), on each person a 限制消费令 covers (限消规定 2015 art. 3), and
on the applicants where the act is a decision on the listing (失信规定 2017 arts. 5, 9, 10).

The documents are issued in the name of the officer who proposed the measure when the actor
cannot issue documents (the 院长 approves; the executing staff issue and serve), and by the
system (``actor=None``) for the sweeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from lastmile.accounts.models import User
from lastmile.accounts.permissions import actor_can
from lastmile.cases.models import CREDITOR_ROLES, Case, CaseParty
from lastmile.core.clock import court_date as local_date
from lastmile.documents.context import party_context
from lastmile.documents.markup import cn_num
from lastmile.documents.models import Document
from lastmile.documents.selectors import execution_basis_recited
from lastmile.documents.services import document_issue
from lastmile.parties.models import Party
from lastmile.service.services import service_dispatch

from . import rules
from .models import (
    DishonestGround,
    DishonestListing,
    Measure,
    MeasureKind,
    RemovalGround,
    SubjectCapacity,
)

#: The document of each measure kind, issued when the measure takes effect.
MEASURE_TEMPLATES: dict[str, str] = {
    MeasureKind.SUMMONS_BY_FORCE: "summons_warrant",
    MeasureKind.FINE: "fine_decision",
    MeasureKind.DETENTION: "detention_decision",
    MeasureKind.CONSUMPTION_RESTRICTION: "consumption_restriction_order",
    MeasureKind.DISHONEST_LISTING: "dishonest_decision",
    MeasureKind.EXIT_RESTRICTION: "exit_restriction_decision",
    MeasureKind.VEHICLE_SEIZURE: "ruling_distrain",
}

RESTRICTION_LIFTED = "restriction_lifted"
LISTING_DELETED = "listing_deleted"
LISTING_REVOKED = "listing_revoked"
DETENTION_EARLY_RELEASE = "detention_early_release"

#: The document of each act that ends or changes a measure.
ACT_TEMPLATES: dict[str, str] = {
    RESTRICTION_LIFTED: "consumption_restriction_lift_order",  # 限消规定 2015 art. 9
    LISTING_DELETED: "dishonest_deletion_decision",  # 失信规定 2017 art. 10
    LISTING_REVOKED: "dishonest_revocation_decision",  # 失信规定 2017 art. 9
    DETENTION_EARLY_RELEASE: "detention_early_release_decision",  # 民诉解释 2022 art. 182
}


def execution_basis(case: Case) -> str:
    """失信规定 2017 art. 6: the 执行依据's issuer and number, for every case however it was filed:
    as the served 执行通知书 states it (a listing needs it served, art. 5), else the case the
    enforcement came from."""
    return execution_basis_recited(case) or (case.parent.number if case.parent_id else "")  # type: ignore[union-attr]


def _issuer(m: Measure, actor: User | None) -> User | None:
    """Who issues and serves: the actor when staff who may, the proposer when the actor is the
    院长 (who approves, not issues), the system for a sweep."""
    if actor is None:
        return None
    if actor_can(actor, "document.issue") and actor.court_id == m.court_id:
        return actor
    return m.proposed_by


def _issue_and_serve(
    case: Case,
    code: str,
    context: dict[str, Any],
    *,
    recipients: Sequence[Party],
    actor: User | None,
    now: datetime,
) -> Document:
    document = document_issue(case=case, template_code=code, context=context, actor=actor, now=now)
    unique: dict[int, Party] = {}
    for party in recipients:
        unique.setdefault(party.pk, party)
    service_dispatch(document=document, actor=actor, now=now, recipients=list(unique.values()))
    return document


def _applicants(case: Case) -> list[Party]:
    return [
        cp.party
        for cp in CaseParty.objects.filter(case=case, role__in=CREDITOR_ROLES)
        .select_related("party")
        .order_by("position", "pk")
    ]


def _reached(m: Measure) -> list[Party]:
    """The person the measure reaches, then the organisation behind whom it was reached, then
    each person a 限制消费令 covers."""
    people = [m.subject]
    if m.organisation_id:
        people.append(m.organisation)  # type: ignore[arg-type]
    people += [s.party for s in m.subjects.select_related("party").exclude(party=m.subject).order_by("pk")]
    return people


def _person(m: Measure) -> dict[str, Any]:
    """The person as the decision prints it; behind an organisation it names the organisation and
    the capacity (民事诉讼法 2023 art. 114 ¶2)."""
    ctx = party_context(m.subject)
    if m.organisation_id:
        org = m.organisation
        assert org is not None
        label = SubjectCapacity(m.capacity).label
        ctx["desc"] = ctx["desc"].rstrip("。") + f"，系被执行人{org.name}的{label}。"
        ctx["organisation"] = org.name
        ctx["capacity"] = str(label)
    return ctx


def _higher_court(case: Case) -> str:
    parent = case.court.parent
    return parent.name if parent is not None else "上一级人民法院"


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    from django.utils import timezone

    t = timezone.localtime(value)
    return f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute:02d}分"


def _restricted_persons(m: Measure) -> str:
    """限消规定 2015 art. 3: the people of an organisation a 限制消费令 covers, by name."""
    rows = m.subjects.select_related("party").exclude(party=m.subject).order_by("pk")
    return "、".join(f"你单位的{SubjectCapacity(r.capacity).label}{r.party.name}" for r in rows)


def _measure_context(m: Measure, *, now: datetime) -> dict[str, Any]:
    case = m.case
    president = m.decided_by.name if m.decided_by_id else ""  # type: ignore[union-attr]
    basis = execution_basis(case) or "本案执行依据"
    if m.kind == MeasureKind.SUMMONS_BY_FORCE:
        return {
            "person": _person(m),
            "reason": m.reason,
            "appear_at": _moment(m.starts_at),
            "place": m.place or "本院执行局",
            "president": president,
        }
    if m.kind == MeasureKind.FINE:
        decided = local_date(m.decided_at or now)
        return {
            "person": _person(m),
            "facts": m.reason,
            "amount": str(m.amount),
            "pay_by": (decided + timedelta(days=rules.FINE_PAY_DAYS)).isoformat(),
            "higher_court": _higher_court(case),
        }
    if m.kind == MeasureKind.DETENTION:
        return {
            "person": _person(m),
            "facts": m.reason,
            "days": cn_num(m.days or 0),
            "custody": m.custody or "当地公安机关",
            "higher_court": _higher_court(case),
        }
    if m.kind == MeasureKind.CONSUMPTION_RESTRICTION:
        ctx: dict[str, Any] = {"president": president}
        if not m.subject.is_person:
            ctx["restricted_persons"] = _restricted_persons(m)
        else:
            ctx["restricted_persons"] = ""
        return ctx
    if m.kind == MeasureKind.DISHONEST_LISTING:
        ground = m.ground or 1
        years = rules.LISTING_YEARS + m.extension_years
        return {
            "source_document": basis,
            "ground": str(DishonestGround(ground).label),
            "ground_item": cn_num(ground),
            "period": "" if ground == DishonestGround.ABLE_BUT_REFUSES else f"{cn_num(years)}年",
        }
    if m.kind == MeasureKind.EXIT_RESTRICTION:
        return {"source_document": basis, "restricted": m.subject.name}
    return {  # VEHICLE_SEIZURE: 执行裁定书（扣押）, 民事诉讼法 2023 art. 255
        "source_document": basis,
        "vehicle": f"{m.plate}号机动车" if m.plate else "名下机动车",
    }


def measure_document_issue(m: Measure, *, actor: User | None, now: datetime) -> Document:
    """The measure's own document, issued when it takes effect and served on the people it
    reaches (the applicants too for a 失信决定书 and a ruling, which go to 当事人). A measure
    whose approval named no 文书字号 takes the issued document's."""
    recipients = _reached(m)
    if m.kind in (MeasureKind.DISHONEST_LISTING, MeasureKind.VEHICLE_SEIZURE):
        recipients += _applicants(m.case)
    document = _issue_and_serve(
        m.case,
        MEASURE_TEMPLATES[m.kind],
        _measure_context(m, now=now),
        recipients=recipients,
        actor=_issuer(m, actor),
        now=now,
    )
    if not m.document_number:
        m.document_number = document.number
        m.save(update_fields=["document_number"])
    return document


def restriction_lift_document(m: Measure, *, reason: str, actor: User | None, now: datetime) -> Document:
    """The 解除限制消费令, served in the scope of the order (限消规定 2015 art. 9)."""
    restricted = "、".join([m.subject.name, *(s.party.name for s in m.subjects.exclude(party=m.subject))])
    return _issue_and_serve(
        m.case,
        ACT_TEMPLATES[RESTRICTION_LIFTED],
        {
            "restricted": restricted,
            "restricted_on": local_date(m.starts_at or m.proposed_at).isoformat(),
            "reason": reason,
        },
        recipients=_reached(m),
        actor=_issuer(m, actor),
        now=now,
    )


def listing_end_document(
    listing: DishonestListing, *, ground: str, actor: User | None, now: datetime
) -> Document:
    """The 删除失信信息决定书 (失信规定 2017 art. 10) or, for a wrongful listing, the 撤销失信决定书
    (art. 9), served on the debtor and the applicants."""
    act = LISTING_REVOKED if ground == RemovalGround.WRONGFUL else LISTING_DELETED
    m = listing.measure
    return _issue_and_serve(
        listing.case,
        ACT_TEMPLATES[act],
        {
            "debtor": listing.name,
            "listed_on": listing.decided_on.isoformat(),
            "ground": str(RemovalGround(ground).label),
        },
        recipients=[listing.party, *_applicants(listing.case)],
        actor=_issuer(m, actor),
        now=now,
    )


def early_release_document(
    m: Measure, *, repentance: str, released_at: datetime, actor: User | None, now: datetime
) -> Document:
    """The 提前解除拘留决定书 (民诉解释 2022 art. 182), served on the detainee."""
    return _issue_and_serve(
        m.case,
        ACT_TEMPLATES[DETENTION_EARLY_RELEASE],
        {
            "person": _person(m),
            "detained_on": local_date(m.starts_at or now).isoformat(),
            "days": cn_num(m.days or 0),
            "custody": m.custody or "当地公安机关",
            "repentance": repentance,
            "release_at": _moment(released_at),
        },
        recipients=_reached(m),
        actor=_issuer(m, actor),
        now=now,
    )
