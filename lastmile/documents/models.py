"""Legal documents: versioned templates, issued (immutable) documents, and batch jobs.

- A :class:`DocumentTemplate` has immutable :class:`TemplateVersion` rows; a court admin's edit is
  a new version, either for all courts (``court`` empty) or for one court.
- A :class:`Document` is issued once: its PDF's SHA-256 is recorded and its content never
  changes; a correction is a new document that ``supersedes`` the old one.
- A :class:`BatchJob` issues one template for many cases; one :class:`BatchItem` per
  (job, case, template) so a restarted batch never issues a document twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lastmile.core.errors import InvalidTransition


class TemplateKind(models.TextChoices):
    NOTICE = "notice", _("通知书")
    ORDER = "order", _("令状")
    RULING = "ruling", _("裁定书")
    DECISION = "decision", _("决定书")
    AGREEMENT = "agreement", _("协议")
    RECEIPT = "receipt", _("送达回证")
    STATEMENT = "statement", _("计算明细")
    MEDIATION = "mediation", _("调解书")
    JUDGMENT = "judgment", _("判决书")


class DocumentTemplate(models.Model):
    code = models.SlugField(_("模板代码"), max_length=48, unique=True)
    name = models.CharField(_("模板名称"), max_length=64)
    title = models.CharField(_("文书标题"), max_length=32)
    kind = models.CharField(_("文书种类"), max_length=16, choices=TemplateKind.choices)
    series = models.CharField(
        _("编号序列"),
        max_length=32,
        blank=True,
        help_text=_("同一案件同一序列的文书依次编为“案号”“案号之一”“案号之二”……，留空则不编序。"),
    )
    required = models.JSONField(_("须提供的要素"), default=list, blank=True)
    sample = models.JSONField(_("示例要素"), default=dict, blank=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class TemplateVersion(models.Model):
    """One immutable text of a template. ``court`` empty = the platform default."""

    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="versions")
    court = models.ForeignKey(
        "accounts.Court", verbose_name=_("法院"), on_delete=models.PROTECT, null=True, blank=True
    )
    number = models.PositiveIntegerField(_("版本号"))
    body = models.TextField(_("模板正文"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        ordering = ["template", "court", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "court", "number"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["template", "number"],
                condition=models.Q(court__isnull=True),
                name="template_version_unique_default",
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="template_version_positive"),
        ]

    def __str__(self) -> str:
        scope = self.court.short_name if self.court else "通用"
        return f"{self.template.name} v{self.number}（{scope}）"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise InvalidTransition("模板版本不可修改，请保存为新版本。")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已出具")


class Document(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="documents")
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("文书标题"), max_length=32)
    series = models.CharField(max_length=32, blank=True)
    series_index = models.PositiveIntegerField(_("序列号"), default=1)
    number = models.CharField(_("文书字号"), max_length=64)
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的文书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    context = models.JSONField(_("文书要素"), default=dict)
    sha256 = models.CharField(_("PDF摘要（SHA-256）"), max_length=64)
    pdf_path = models.CharField(_("PDF文件"), max_length=255)
    size = models.PositiveIntegerField(_("PDF字节数"), default=0)
    seal = models.JSONField(_("签章记录"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch_item = models.OneToOneField(
        "BatchItem", on_delete=models.PROTECT, null=True, blank=True, related_name="document"
    )
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("法律文书")
        verbose_name_plural = _("法律文书")
        ordering = ["case", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "template", "series_index", "version"],
                condition=models.Q(series=""),
                name="document_unique_unnumbered",
            ),
            models.UniqueConstraint(
                fields=["case", "series", "series_index", "version"],
                condition=~models.Q(series=""),
                name="document_unique_in_series",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="issued")
                | (models.Q(issued_at__isnull=False) & ~models.Q(sha256="")),
                name="document_issued_has_hash",
            ),
            models.CheckConstraint(
                condition=models.Q(version=1, supersedes__isnull=True)
                | models.Q(version__gt=1, supersedes__isnull=False),
                name="document_version_chain",
            ),
        ]
        indexes = [models.Index(fields=["court", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.title} {self.number}" + (f"（第{self.version}版）" if self.version > 1 else "")

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and Document.objects.filter(pk=self.pk, status=DocumentStatus.ISSUED).exists():
            raise InvalidTransition("已出具的文书不可修改；如需更正，请出具新版本。")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("部分失败")


class BatchJob(models.Model):
    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="+")
    context = models.JSONField(_("共同要素"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    total = models.PositiveIntegerField(_("文书总数"), default=0)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Held by the enqueue, then by a worker (renewed at every item); the sweep re-queues an
    # unfinished job once this has passed (services.batch_jobs_reclaim).
    lease_until = models.DateTimeField(_("处理占用至"), null=True, blank=True)
    reclaims = models.PositiveIntegerField(_("中断后重新排队次数"), default=0)

    class Meta:
        verbose_name = _("批量生成任务")
        verbose_name_plural = _("批量生成任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.template.name}×{self.total}"


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    CLAIMED = "claimed", _("处理中")
    DONE = "done", _("已出具")
    FAILED = "failed", _("失败")


class BatchItem(models.Model):
    job = models.ForeignKey(BatchJob, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, related_name="+")
    context = models.JSONField(_("本案要素"), default=dict, blank=True)
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("批量生成明细")
        verbose_name_plural = _("批量生成明细")
        ordering = ["job", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["job", "case", "template"], name="batchitem_unique"),
        ]
        indexes = [models.Index(fields=["job", "status"])]
