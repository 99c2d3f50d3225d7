"""Batch filing rows: the institutions that file, their API keys, batches, rows and loan claims.

A bank (an :class:`InstitutionClient`) files many loan cases at once, either through a court
filing clerk who uploads its spreadsheet or remotely through the API with its own key. A batch
is kept with its file (the processing-queue pattern of CourtListener's ``ProcessingQueue``); every
row is stored with its raw cells, its normalised values and its errors, and on acceptance points
at the case it became. The link row → case is written in the same transaction as the case, so a
crashed batch resumes without duplicates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionClient(models.Model):
    """A financial institution allowed to file batches (e.g. a bank branch)."""

    party = models.OneToOneField(
        "parties.Party",
        verbose_name=_("机构当事人"),
        on_delete=models.PROTECT,
        related_name="institution_client",
    )
    name = models.CharField(_("机构名称"), max_length=128)
    courts = models.ManyToManyField("accounts.Court", verbose_name=_("可立案法院"), related_name="+")
    active = models.BooleanField(_("启用"), default=True)
    contact = models.CharField(_("联系人"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("批量立案机构")
        verbose_name_plural = _("批量立案机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstitutionStaffRole(models.TextChoices):
    OPERATOR = "operator", _("经办人")
    MANAGER = "manager", _("负责人")


class InstitutionStaff(models.Model):
    """A login of a filing institution's own staff on the portal (机构经办人).

    Like a party's portal login it has no court and no staff role, so no court capability reaches
    it; it sees and files only its own institution's batches (deny by default: any other batch is
    not found)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_staff"
    )
    client = models.ForeignKey(
        InstitutionClient, verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(
        _("职责"), max_length=16, choices=InstitutionStaffRole.choices, default=InstitutionStaffRole.OPERATOR
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("机构经办人账号")
        verbose_name_plural = _("机构经办人账号")

    def __str__(self) -> str:
        return f"{self.user} → {self.client}"


class InstitutionApiKey(models.Model):
    """An API key of an institution. Only a SHA-256 digest is stored; ``prefix`` (the first
    characters of the key, not secret) finds the row without scanning every digest."""

    client = models.ForeignKey(InstitutionClient, on_delete=models.CASCADE, related_name="api_keys")
    label = models.CharField(_("用途"), max_length=64, blank=True)
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("创建时间"))
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("机构接口密钥")
        verbose_name_plural = _("机构接口密钥")

    def __str__(self) -> str:
        return f"{self.client} {self.prefix}…"


class BatchStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    VALIDATING = "validating", _("校验中")
    CREATING = "creating", _("立案中")
    ACCEPTED = "accepted", _("全部受理")
    PARTIALLY_ACCEPTED = "partially_accepted", _("部分受理")
    REJECTED = "rejected", _("未受理")


FINISHED_STATUSES = (BatchStatus.ACCEPTED, BatchStatus.PARTIALLY_ACCEPTED, BatchStatus.REJECTED)


class BatchSource(models.TextChoices):
    XLSX = "xlsx", _("XLSX表格")
    CSV = "csv", _("CSV文件")
    JSON = "json", _("接口数据")


class IntakeBatch(models.Model):
    """One upload or API call. ``(client, external_id)`` is the idempotency key: the same id with
    the same content returns this batch; with other content it is refused."""

    court = models.ForeignKey(
        "accounts.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        InstitutionClient, verbose_name=_("申请机构"), on_delete=models.PROTECT, related_name="batches"
    )
    external_id = models.CharField(_("批次号"), max_length=64)
    content_hash = models.CharField(max_length=64)
    source = models.CharField(_("来源"), max_length=8, choices=BatchSource.choices)
    file = models.FileField(_("文件"), upload_to="filing/batches/", max_length=255, blank=True)
    original_name = models.CharField(_("文件名"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    via_api = models.BooleanField(_("机构接口提交"), default=False)
    status = models.CharField(
        _("状态"), max_length=24, choices=BatchStatus.choices, default=BatchStatus.RECEIVED
    )
    message = models.CharField(_("说明"), max_length=500, blank=True)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    ok_rows = models.PositiveIntegerField(_("校验通过"), default=0)
    error_rows = models.PositiveIntegerField(_("有误行数"), default=0)
    created_cases = models.PositiveIntegerField(_("已立案"), default=0)
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("待处理"), default=0)
    error_report = models.FileField(_("错误报告"), upload_to="filing/reports/", max_length=255, blank=True)
    created_at = models.DateTimeField(_("接收时间"))
    started_at = models.DateTimeField(_("开始处理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Held by the submitter, then by the worker (renewed after every chunk); the sweep re-queues
    # an unfinished batch once this has passed (services.batches_reclaim).
    lease_until = models.DateTimeField(_("处理占用至"), null=True, blank=True)
    reclaims = models.PositiveIntegerField(_("中断后重新排队次数"), default=0)

    class Meta:
        verbose_name = _("批量立案批次")
        verbose_name_plural = _("批量立案批次")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "external_id"], name="filing_batch_unique_external_id"),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")),
                name="filing_progress_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(created_cases__lte=models.F("ok_rows")), name="filing_created_le_ok"
            ),
        ]
        indexes = [models.Index(fields=["court", "created_at"])]

    def __str__(self) -> str:
        return f"{self.client} {self.external_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int:
        if self.progress_total == 0:
            return 100 if self.is_finished else 0
        return int(100 * self.progress_done / self.progress_total)


class RowStatus(models.TextChoices):
    OK = "ok", _("校验通过")
    ERROR = "error", _("有误")


class IntakeRow(models.Model):
    batch = models.ForeignKey(IntakeBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("行号"))
    raw = models.JSONField(_("原始内容"), default=list)
    data = models.JSONField(_("规范化内容"), default=dict, blank=True)
    contract_no = models.CharField(_("合同编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=RowStatus.choices)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("批量立案明细")
        verbose_name_plural = _("批量立案明细")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="filing_row_unique_number"),
            models.CheckConstraint(
                condition=models.Q(case__isnull=True) | models.Q(status="ok"),
                name="filing_row_case_only_when_ok",
            ),
        ]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.row_number}"


class LoanClaim(models.Model):
    """The loan and the claim behind a batch-filed case. One contract is filed once per client:
    the database refuses a second claim for the same ``(client, contract_no)`` (重复立案)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="loan_claim")
    client = models.ForeignKey(InstitutionClient, on_delete=models.PROTECT, related_name="claims")
    batch = models.ForeignKey(IntakeBatch, on_delete=models.PROTECT, related_name="claims")
    contract_no = models.CharField(_("合同编号"), max_length=64)
    loan_amount = models.DecimalField(_("借款金额"), max_digits=16, decimal_places=2)
    disbursed_on = models.DateField(_("放款日期"))
    due_on = models.DateField(_("到期日期"))
    annual_rate = models.DecimalField(_("年利率"), max_digits=10, decimal_places=8, null=True, blank=True)
    overdue_rate = models.DecimalField(_("逾期利率"), max_digits=10, decimal_places=8, null=True, blank=True)
    principal = models.DecimalField(_("欠款本金"), max_digits=16, decimal_places=2)
    interest = models.DecimalField(_("欠付利息"), max_digits=16, decimal_places=2, default=0)
    penalty = models.DecimalField(_("罚息"), max_digits=16, decimal_places=2, default=0)
    claimed_total = models.DecimalField(_("诉讼请求金额"), max_digits=16, decimal_places=2)
    fee_estimate = models.DecimalField(_("预估案件受理费"), max_digits=12, decimal_places=2)
    evidence = models.JSONField(_("证据清单"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("金融借款诉请")
        verbose_name_plural = _("金融借款诉请")
        constraints = [
            models.UniqueConstraint(fields=["client", "contract_no"], name="loanclaim_unique_contract"),
            models.CheckConstraint(condition=models.Q(principal__gt=0), name="loanclaim_principal_positive"),
            models.CheckConstraint(
                condition=models.Q(principal__lte=models.F("loan_amount")), name="loanclaim_principal_le_loan"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("disbursed_on")), name="loanclaim_due_after_disbursed"
            ),
            models.CheckConstraint(
                condition=models.Q(interest__gte=0, penalty__gte=0, claimed_total__gt=0, fee_estimate__gte=0),
                name="loanclaim_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.contract_no
