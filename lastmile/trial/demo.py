"""Demo data for batch trial: three of the demo mediations fail and are filed as 民初, tried in one
batch on the video-hearing placeholder, judged in batch and served electronically. Runs after
:func:`lastmile.mediation.demo.demo_seed_mediation`; idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lastmile.accounts.models import User
from lastmile.filing.models import IntakeBatch
from lastmile.mediation.demo import DEMO_BATCH_ID
from lastmile.mediation.models import Mediation, MediationStatus
from lastmile.mediation.services import mediation_fail
from lastmile.service.adapters import SimulatedServiceAdapter

from . import services
from .models import Lawsuit


@dataclass
class DemoTrialResult:
    created: bool
    lines: list[str] = field(default_factory=list)


def demo_seed_trial(*, now: datetime) -> DemoTrialResult:
    batch = IntakeBatch.objects.filter(external_id=DEMO_BATCH_ID).first()
    judge = User.objects.filter(username="yl_shen").first()
    clerk = User.objects.filter(username="yl_lian").first()
    mediator = User.objects.filter(username="yl_tiao").first()
    if batch is None or judge is None or clerk is None or mediator is None:
        return DemoTrialResult(created=False, lines=["批量审理演示：缺少诉前调解演示数据，已跳过。"])
    ms = list(Mediation.objects.filter(case__loan_claim__batch=batch).order_by("case__seq"))
    if Lawsuit.objects.filter(mediation__in=ms).exists():
        return DemoTrialResult(created=False, lines=["批量审理演示数据已存在。"])
    start = now - timedelta(days=17)
    failing = [m for m in ms if m.status == MediationStatus.MEDIATING][-3:]
    for m in failing:
        mediation_fail(mediation=m, reason="被申请人明确拒绝调解", actor=mediator, now=start)
    lawsuits = services.lawsuits_file_from_mediation(
        mediations=failing, actor=clerk, now=start + timedelta(days=1)
    )
    hearing_batch = services.hearings_schedule_batch(
        lawsuits=lawsuits,
        judge=judge,
        starts_at=start + timedelta(days=5),
        actor=judge,
        now=start + timedelta(days=1),
    )
    for h in hearing_batch.hearings.all():
        # each result is recorded when its own slot has begun, never before it
        services.hearing_record(
            hearing=h, note="被告经传唤未到庭，缺席审理。", actor=judge, now=h.scheduled_at
        )
    held = start + timedelta(days=5, hours=2)
    # two are judged in batch (after every hearing) and served; the third waits on the workbench
    jb = services.judgments_batch_create(lawsuits=lawsuits[:2], actor=judge, now=held)
    services.judgment_batch_run(batch=jb, now=lambda: held)
    for j in jb.judgments.all():
        services.judgment_serve(
            judgment=j, actor=judge, now=held + timedelta(days=1), port=SimulatedServiceAdapter()
        )
    return DemoTrialResult(
        created=True,
        lines=[f"批量审理演示：{len(lawsuits)}件民初（审判员 yl_shen），2件已判决并电子送达"],
    )
