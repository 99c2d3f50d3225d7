"""The inquiry app's event and deadline kinds (see :mod:`lastmile.cases.kinds`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lastmile.cases.kinds import DeadlineKind, EventKind


class InquiryEvent(EventKind):
    STARTED = "inquiry.started"
    ORDER_FAILED = "inquiry.order_failed"
    ORDER_RESENT = "inquiry.order_resent"
    ASSETS_FOUND = "inquiry.assets_found"
    FREEZE_ORDERED = "inquiry.freeze_ordered"
    SEIZE_ORDERED = "inquiry.seize_ordered"
    DEDUCT_ORDERED = "inquiry.deduct_ordered"
    RELEASE_ORDERED = "inquiry.release_ordered"
    RENEW_ORDERED = "inquiry.renew_ordered"
    RELEASE_ALL = "inquiry.release_all"
    RELEASE_EXCESS = "inquiry.release_excess"
    FROZEN = "inquiry.frozen"
    SEIZED = "inquiry.seized"
    DEDUCTED = "inquiry.deducted"
    RELEASED = "inquiry.released"
    RENEWED = "inquiry.renewed"
    FREEZE_LAPSED = "inquiry.freeze_lapsed"
    RESULT_HELD = "inquiry.result_held"
    RESULT_REVIEWED = "inquiry.result_reviewed"
    # 善意文明执行: a good-faith rule kept an automatic freeze off an account (法发〔2019〕35号).
    GUARD_SPARED = "inquiry.guard_spared"
    # 扣押 of a movable found on site, with its custody (民事诉讼法 2023 art. 255).
    MOVABLE_DISTRAINED = "inquiry.movable_distrained"
    # 扣留、提取收入 through the employer (民事诉讼法 2023 art. 254).
    INCOME_WITHHELD = "inquiry.income_withheld"
    INCOME_PAID = "inquiry.income_paid"
    INCOME_RELEASED = "inquiry.income_released"
    # 到期债权 (执行工作规定 2020 arts. 45–53).
    RECEIVABLE_NOTICED = "inquiry.receivable_noticed"
    RECEIVABLE_OBJECTED = "inquiry.receivable_objected"
    RECEIVABLE_ENFORCED = "inquiry.receivable_enforced"
    # 轮候查封 (查封规定 2020 art. 26).
    WAITING_REGISTERED = "inquiry.waiting_registered"
    WAITING_EFFECTIVE = "inquiry.waiting_effective"


class InquiryDeadline(DeadlineKind):
    RENEWAL = "inquiry_renew", _("查封冻结续行")  # source: the Freeze
