"""Case funds: what each case's debtor owes, and a double-entry ledger of the money that moves.

The ledger follows django-hordak: an :class:`Account` per case (一案一账号) and per court
(the execution master account, unclaimed money, payouts awaiting settlement); every movement is a
:class:`Transaction` whose :class:`Leg` amounts add up to zero (debit positive, credit negative),
enforced by a statement-level trigger on PostgreSQL (migration 0007) and by the posting
services plus ``lastmile ledger reconcile`` on SQLite. Every transaction carries an idempotency
key unique within its court: keys come from banks and clerks, so two courts may well use the same
one, and neither may see or block the other's booking.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InterestKind(models.TextChoices):
    NONE = "none", _("不计一般债务利息")
    FIXED = "fixed", _("固定年利率")
    LPR_MULTIPLE = "lpr_multiple", _("LPR倍数")


class Obligation(models.Model):
    """The money debt fixed by the execution basis (执行依据) of a case."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="obligation")
    principal = models.DecimalField(_("本金"), max_digits=16, decimal_places=2)
    interest_kind = models.CharField(
        _("一般债务利息"), max_length=16, choices=InterestKind.choices, default=InterestKind.NONE
    )
    interest_rate = models.DecimalField(_("年利率"), max_digits=9, decimal_places=6, null=True, blank=True)
    lpr_multiple = models.DecimalField(_("LPR倍数"), max_digits=6, decimal_places=3, null=True, blank=True)
    lpr_term = models.CharField(_("LPR期限品种"), max_length=2, default="1y")
    lpr_fixed_on = models.DateField(_("LPR取值日"), null=True, blank=True)
    interest_start = models.DateField(_("利息起算日"), null=True, blank=True)
    interest_end = models.DateField(_("利息截止日"), null=True, blank=True)
    interest_day_basis = models.PositiveSmallIntegerField(_("年计息天数"), null=True, blank=True)
    costs = models.JSONField(_("费用"), default=list, blank=True)
    performance_deadline = models.DateField(_("履行期限届满日"), null=True, blank=True)
    basis_effective_on = models.DateField(_("执行依据生效日"))
    installments = models.JSONField(_("分期履行"), default=list, blank=True)
    allocation_order = models.CharField(_("约定清偿顺序"), max_length=64, blank=True)
    # A 执恢 case continues the debt of the case it resumes: the same terms, and the payments
    # made in that case count (法释〔2014〕8号 arts. 1–4; docs/law.md "Interest").
    continues = models.ForeignKey(
        "cases.Case",
        verbose_name=_("续行原案债务"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("执行依据确定的金钱债务")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal__gte=0), name="obligation_principal_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(lpr_term__in=["1y", "5y"]), name="obligation_lpr_term_known"
            ),
        ]


class PauseKind(models.TextChoices):
    """Why the doubled interest stops (法释〔2014〕8号 art. 3)."""

    REVIEW = "review", _("审查执行依据中止或暂缓执行")
    RETRIAL = "retrial", _("再审中止执行")
    OTHER = "other", _("其他")


class ObligationPause(models.Model):
    """A period in which the doubled interest does not run: 中止 or 暂缓 for reviewing the
    execution basis, or 再审 中止, not requested by the debtor (法释〔2014〕8号 art. 3)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="obligation_pauses")
    kind = models.CharField(_("类型"), max_length=16, choices=PauseKind.choices, default=PauseKind.OTHER)
    starts_on = models.DateField(_("起始日"))
    ends_on = models.DateField(_("终止日"), null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=128)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("不计加倍利息期间")
        verbose_name_plural = verbose_name
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="pause_ends_after_start",
            ),
        ]


class AccountKind(models.TextChoices):
    BANK = "bank", _("执行款专户")  # asset: the court's real bank account
    CASE = "case", _("案件虚拟账户")  # liability: money held for one case
    UNCLAIMED = "unclaimed", _("待认领款项")  # liability: arrived without a case
    PAYOUT_PENDING = "payout_pending", _("待划付款项")  # liability: approved, not yet left the bank


ASSET_KINDS = (AccountKind.BANK,)


class Account(models.Model):
    """A ledger account. ``balance`` is kept in the account's natural sign (assets: debits minus
    credits; liabilities: credits minus debits) and may never be negative: a case account cannot
    be overdrawn, whatever runs in parallel."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="funds_account"
    )
    kind = models.CharField(_("账户类型"), max_length=16, choices=AccountKind.choices)
    number = models.CharField(_("账号"), max_length=32, unique=True)
    name = models.CharField(_("户名"), max_length=128)
    balance = models.DecimalField(_("余额"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="account_never_negative"),
            models.CheckConstraint(
                condition=(models.Q(kind="case") & models.Q(case__isnull=False))
                | (~models.Q(kind="case") & models.Q(case__isnull=True)),
                name="account_case_iff_case_kind",
            ),
            models.UniqueConstraint(
                fields=["court", "kind"],
                condition=models.Q(case__isnull=True),
                name="account_one_system_per_court",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    @property
    def is_asset(self) -> bool:
        return self.kind in ASSET_KINDS


class TransactionKind(models.TextChoices):
    RECEIPT = "receipt", _("到账")
    CLAIM = "claim", _("认领")
    PAYOUT_HOLD = "payout_hold", _("发放申请（冻结）")
    PAYOUT_VOID = "payout_void", _("发放撤回")
    PAYOUT_SETTLE = "payout_settle", _("划付")


class Transaction(models.Model):
    # No index of their own: (court, at), (court, idempotency_key) and (case, at) lead with them,
    # and every index is written once per transaction (a bank statement writes thousands).
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+", db_index=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    kind = models.CharField(_("类型"), max_length=16, choices=TransactionKind.choices)
    idempotency_key = models.CharField(max_length=160)
    at = models.DateTimeField(_("记账时间"))
    memo = models.CharField(_("摘要"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        indexes = [models.Index(fields=["court", "at"]), models.Index(fields=["case", "at"])]
        constraints = [
            models.UniqueConstraint(fields=["court", "idempotency_key"], name="transaction_key_per_court"),
        ]


class Leg(models.Model):
    """One side of a transaction: debit when ``amount`` > 0, credit when < 0."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="leg_amount_not_zero")]


class ReceiptSource(models.TextChoices):
    DEBTOR_TRANSFER = "debtor_transfer", _("被执行人转账")
    BANK_DEDUCTION = "bank_deduction", _("银行扣划")
    AUCTION = "auction", _("拍卖款")
    SETTLEMENT_INSTALLMENT = "settlement_installment", _("和解分期款")
    CASH = "cash", _("现金缴纳")
    # Not money: the value of an asset a creditor took in payment at the reserve price (以物抵债,
    # 拍卖变卖规定 2020 art. 16), booked with the payout it offsets so the bank account never moves.
    SET_OFF = "set_off", _("以物抵债")


class Receipt(models.Model):
    """Money that arrived in the court's execution account. ``case`` is empty until claimed."""

    # No index of their own: (court, case), (court, idempotency_key) and (case, effective_on) lead
    # with them (see Transaction).
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, db_index=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="receipts", db_index=False
    )
    amount = models.DecimalField(_("金额"), max_digits=16, decimal_places=2)
    source = models.CharField(_("来源"), max_length=32, choices=ReceiptSource.choices)
    idempotency_key = models.CharField(max_length=128)
    received_at = models.DateTimeField(_("到账时间"))
    effective_on = models.DateField(_("停止计息日"))
    payer = models.CharField(_("付款人"), max_length=128, blank=True)
    note = models.CharField(_("备注"), max_length=256, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["case", "effective_on"]), models.Index(fields=["court", "case"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="receipt_amount_positive"),
            models.UniqueConstraint(fields=["court", "idempotency_key"], name="receipt_key_per_court"),
        ]


class PayoutKind(models.TextChoices):
    APPLICANT = "applicant", _("发放申请执行人")
    DEBTOR_REFUND = "debtor_refund", _("退还被执行人")
    COURT_FEE = "court_fee", _("结算诉讼费用")
    # 执行费用 paid first from the proceeds (执行工作规定 2020 art. 34; 民诉解释 2022 arts. 508, 514)
    EXECUTION_COST = "execution_cost", _("支付执行费用")
    # a creditor with a security interest in the asset sold who is not an applicant of the case
    # (拍卖变卖规定 2020 art. 28; 执行工作规定 2020 art. 31; 民诉解释 2022 art. 506)
    SECURED = "secured", _("发放优先受偿债权人")


class PayeeAccountKind(models.TextChoices):
    PERSONAL_CARD = "card", _("个人银行卡")
    CORPORATE = "corporate", _("单位银行结算账户")
    OTHER = "other", _("其他账户（存折等）")


class PayoutStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已审批待划付")
    PAID = "paid", _("已划付")
    REJECTED = "rejected", _("已退回")


class Payout(models.Model):
    """Money leaving a case account. Requested by a finance clerk (the amount is held at once, so
    a case account is never overdrawn), approved by a court leader other than the requester,
    then marked paid when the bank has executed it."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payouts")
    kind = models.CharField(_("类型"), max_length=16, choices=PayoutKind.choices)
    payee_party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The case under which this creditor holds its claim, when it is not this case (参与分配).
    payee_case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payee_name = models.CharField(_("收款人"), max_length=128)
    payee_account = models.CharField(_("收款账号"), max_length=64, blank=True)
    payee_bank = models.CharField(_("开户银行"), max_length=64, blank=True)
    payee_account_name = models.CharField(_("账户名称"), max_length=128, blank=True)
    payee_account_kind = models.CharField(
        _("账户类型"), max_length=16, choices=PayeeAccountKind.choices, blank=True
    )
    # True only where the number carries a check digit that was verified (a personal bank card,
    # ISO/IEC 7812 Luhn); a corporate settlement account has none and stays "未校验".
    payee_account_checked = models.BooleanField(_("账号已校验"), default=False)
    # The 执行费用 this payout pays (kind ``execution_cost``).
    execution_cost = models.ForeignKey(
        "ExecutionCost", on_delete=models.PROTECT, null=True, blank=True, related_name="payouts"
    )
    # The 执行款发放审批表 / 付款指令 finance sends to the bank, issued on approval.
    instruction = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("金额"), max_digits=16, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=16, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED
    )
    idempotency_key = models.CharField(max_length=128)
    due_on = models.DateField(_("应发放日"))
    note = models.CharField(_("说明"), max_length=256, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("案款发放")
        verbose_name_plural = _("案款发放")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["court", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount_positive"),
            models.UniqueConstraint(fields=["court", "idempotency_key"], name="payout_key_per_court"),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("requested_by")),
                name="payout_four_eyes",
            ),
        ]


class PaymentReportStatus(models.TextChoices):
    PENDING = "pending", _("待财务确认")
    CONFIRMED = "confirmed", _("已确认到账")
    REJECTED = "rejected", _("未予确认")


class PaymentReport(models.Model):
    """A payment an officer says was made for the case (a transfer the debtor shows, cash handed
    over, a payment the applicant acknowledges): it moves no balance, stops no interest and opens
    no payout deadline until finance has found the money in the execution account and confirmed
    it; then :attr:`receipt` books it with the reported day. Refused by finance, with its reason,
    nothing is booked. The execution body and finance each keep their part and check each other
    (执行款物管理规定 法发〔2017〕6号; its 2006 trial text arts. 2–3, 5)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payment_reports")
    amount = models.DecimalField(_("金额"), max_digits=16, decimal_places=2)
    source = models.CharField(_("来源"), max_length=32, choices=ReceiptSource.choices)
    paid_at = models.DateTimeField(_("报称到账时间"))
    payer = models.CharField(_("付款人"), max_length=128, blank=True)
    note = models.CharField(_("备注"), max_length=256, blank=True)
    idempotency_key = models.CharField(max_length=128)
    status = models.CharField(
        _("状态"), max_length=16, choices=PaymentReportStatus.choices, default=PaymentReportStatus.PENDING
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("登记时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reason = models.CharField(_("未予确认的理由"), max_length=256, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=64, blank=True)
    receipt = models.OneToOneField(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="report"
    )

    class Meta:
        verbose_name = _("到账登记")
        verbose_name_plural = _("到账登记")
        ordering = ["reported_at", "id"]
        indexes = [models.Index(fields=["court", "status", "reported_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_report_amount_positive"),
            models.UniqueConstraint(fields=["court", "idempotency_key"], name="payment_report_key_per_court"),
            models.CheckConstraint(
                condition=(models.Q(status="confirmed") & models.Q(receipt__isnull=False))
                | (~models.Q(status="confirmed") & models.Q(receipt__isnull=True)),
                name="payment_report_booked_iff_confirmed",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""),
                name="payment_report_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("reported_by")),
                name="payment_report_four_eyes",
            ),
        ]


class ExecutionCostKind(models.TextChoices):
    VALUATION = "valuation", _("询价、评估费用")
    CUSTODY = "custody", _("扣押及保管费用")
    AUCTION = "auction", _("拍卖辅助费用")
    OTHER = "other", _("其他执行费用")


class ExecutionCost(models.Model):
    """A cost the execution actually incurred (执行中实际支出的费用): an online inquiry's or an
    appraisal's fee, keeping a distrained movable, the auction's auxiliary work. Borne by the
    debtor and taken from the proceeds before any creditor (执行工作规定 2020 art. 34; 民诉解释
    2022 arts. 508, 514); paid to whoever advanced it (``advanced_by``, e.g. the applicant who
    advanced an appraisal fee, 参考价规定 2018 art. 33) or else to ``payee_name`` (a custodian).
    Not part of the money debt the execution basis fixes: the case statement never counts it,
    and money paid out for it does not pay that debt. One row per ``source_key`` of a case."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="execution_costs")
    kind = models.CharField(_("费用类型"), max_length=16, choices=ExecutionCostKind.choices)
    label = models.CharField(_("费用名称"), max_length=128)
    amount = models.DecimalField(_("金额"), max_digits=16, decimal_places=2)
    incurred_on = models.DateField(_("发生日"))
    advanced_by = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payee_name = models.CharField(_("收款人"), max_length=128)
    source_key = models.CharField(max_length=96)
    basis = models.CharField(_("依据"), max_length=256, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("执行费用")
        verbose_name_plural = _("执行费用")
        ordering = ["incurred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="execution_cost_amount_positive"),
            models.UniqueConstraint(fields=["case", "source_key"], name="execution_cost_source_once"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.amount}"


class SecuredClaim(models.Model):
    """A creditor's claim secured on an asset of the debtor sold in this case (a mortgagee bank),
    whether or not it is this case's applicant: paid from the asset's price before the ordinary
    creditors (拍卖变卖规定 2020 art. 28; 执行工作规定 2020 arts. 31, 55; 民诉解释 2022 art. 506)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="secured_claims")
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("优先受偿债权额"), max_digits=16, decimal_places=2)
    right = models.CharField(_("担保物权"), max_length=256)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("优先受偿债权")
        verbose_name_plural = _("优先受偿债权")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="secured_claim_amount_positive"),
            models.UniqueConstraint(fields=["case", "party"], name="secured_claim_once_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.amount}"
