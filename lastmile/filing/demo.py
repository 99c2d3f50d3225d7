"""Demo data for batch filing: a bank allowed to file in 湘0104, with a documented API key, and one
small accepted batch. Made with the real services; idempotent (a second call changes nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.core.identifiers import uscc_check_char

from .models import InstitutionApiKey, InstitutionClient, InstitutionStaff, IntakeBatch
from .samples import rows_to_xlsx, sample_rows
from .services import api_key_issue, batch_submit, institution_client_upsert, institution_staff_create

DEMO_BANK_NAME = "长沙示范银行股份有限公司岳麓支行"
DEMO_BANK_USCC_BODY = "91430104MA4L0Y0D0"
# Documented in docs/filing.md; demo only (production keys come from `lastmile filing key-issue`).
DEMO_API_KEY = "lmk_demo0104_YueluDemoBankKey2026"
DEMO_BATCH_ID = "DEMO-0001"
# The bank's own staff login on the portal (/portal/bank/login/), with the demo password.
DEMO_BANK_STAFF = "bank_demo"


@dataclass
class DemoFilingResult:
    created: bool
    client_id: int | None = None
    lines: list[str] = field(default_factory=list)


def demo_seed_filing(*, now: datetime) -> DemoFilingResult:
    court = Court.objects.filter(code="湘0104").first()
    if court is None:
        return DemoFilingResult(created=False, lines=["批量立案演示：未找到湘0104，已跳过。"])
    created = False
    client = InstitutionClient.objects.filter(
        party__id_number=DEMO_BANK_USCC_BODY + uscc_check_char(DEMO_BANK_USCC_BODY)
    ).first()
    if client is None:
        client = institution_client_upsert(
            name=DEMO_BANK_NAME,
            uscc=DEMO_BANK_USCC_BODY + uscc_check_char(DEMO_BANK_USCC_BODY),
            courts=[court],
            now=now,
            contact="刘经理",
            address="湖南省长沙市岳麓区麓山南路1号",
        )
        created = True
    if not InstitutionApiKey.objects.filter(client=client, prefix="demo0104").exists():
        api_key_issue(client=client, now=now, label="演示密钥", key=DEMO_API_KEY)
        created = True
    if not InstitutionStaff.objects.filter(user__username=DEMO_BANK_STAFF).exists():
        institution_staff_create(
            client=client,
            username=DEMO_BANK_STAFF,
            display_name="刘经办",
            password=str(settings.LASTMILE["DEMO_PASSWORD"]),
            now=now,
        )
        created = True
    if not IntakeBatch.objects.filter(client=client, external_id=DEMO_BATCH_ID).exists():
        clerk = User.objects.filter(court=court, role="filing_clerk").order_by("pk").first()
        rows = sample_rows(5, today=timezone.localtime(now).date(), start=9001, prefix="DEMO")
        batch_submit(
            court=court,
            client=client,
            external_id=DEMO_BATCH_ID,
            now=now,
            actor=clerk,
            filename="演示批次.xlsx",
            content=rows_to_xlsx(rows),
            process="inline",
        )
        created = True
    return DemoFilingResult(
        created=created,
        client_id=client.pk,
        lines=[
            f"批量立案演示机构：{client.name}（机构编号 {client.pk}）",
            f"机构接口密钥（X-Api-Key）：{DEMO_API_KEY}",
            f"机构经办人门户账号：{DEMO_BANK_STAFF}（/portal/bank/login/，演示密码）",
        ],
    )
