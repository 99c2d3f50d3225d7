"""Navigation entries shown to staff, by capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from lastmile.accounts.permissions import capabilities_of
from lastmile.cases.selectors import overdue_count
from lastmile.core.clock import get_clock
from lastmile.filing.selectors import is_institution_staff
from lastmile.notifications.selectors import staff_unread_count
from lastmile.portal.notice_views import party_unread_count

from .inbox import inbox_count, queues_for

# (label, URL name, capability). Every URL name must exist (lastmile/web/tests/test_navigation.py).
NAV: list[tuple[str, str, str]] = [
    ("批量立案", "filing:home", "filing.batch"),
    ("诉前调解", "mediation:work", "mediation.work"),
    ("批量审理", "trial:work", "trial.work"),
    ("送达", "service:status", "service.work"),
    ("执行案件", "enforcement:case_list", "enforcement.work"),
    ("强制措施", "measures:list", "enforcement.work"),
    ("值班接待", "portal:duty", "enforcement.work"),
    ("接待登记", "portal:reception", "case.file"),  # the filing desk opens slots and records walk-ins
    ("当事人申请", "portal:staff_requests", "enforcement.work"),
    ("执行案款", "ledger:unclaimed", "funds.view"),
    ("到账款项", "ledger:receipts", "funds.view"),
    ("案款发放", "ledger:payouts", "funds.view"),
    ("批量文书", "documents:batch_list", "document.issue"),
    ("指挥中心", "statistics:dashboard", "stats.view"),
    ("人员管理", "accounts:staff", "staff.manage"),
    ("布控预警", "watch:center", "alerts.view"),
    ("布控名单", "watch:entries", "enforcement.work"),
    ("查控指令", "inquiry:queue", "inquiry.order"),
    # 司法拍卖: the officers list and decide; finance records the price and allocates it
    ("司法拍卖", "auction:staff_lots", "enforcement.work"),
    ("司法拍卖", "auction:staff_lots", "funds.manage"),
    # 专项行动: started by whoever dispatches (院领导, 指挥中心), worked by the officers; no role holds both
    ("专项行动", "measures:operations", "enforcement.dispatch"),
    ("专项行动", "measures:operations", "measure.propose"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The staff menu, with the badges: items waiting in the viewer's queues (待办), its unread
    notifications (通知) and its overdue deadlines (工作台)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if not getattr(user, "role", ""):
        # a bank's staff login (机构经办人) has its own menu: its batches
        return {
            "nav_items": [],
            "nav_unread": party_unread_count(user),
            "nav_bank_staff": is_institution_staff(user),
        }
    clock = get_clock()
    now = clock.now()
    caps = capabilities_of(user, now=now)
    items = [{"label": label, "url": reverse(name)} for label, name, cap in NAV if cap in caps]
    return {
        "nav_items": items,
        "nav_has_inbox": bool(queues_for(user, now=now)),
        "nav_inbox_count": inbox_count(user, now=now),
        "nav_unread": staff_unread_count(user, today=clock.today()),
        "nav_overdue": overdue_count(actor=user, today=clock.today()),
    }
