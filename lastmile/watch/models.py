"""The watch list, the sightings that matched it and the alerts they raised.

Only sightings of watched vehicles and persons are kept: a read of any other plate is matched in
memory and dropped (counted per camera), since location history is sensitive personal
information a court may process only as far as the case needs (个人信息保护法 arts. 13(3), 28,
34; 财产调查规定 art. 25). docs/watch.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WatchKind(models.TextChoices):
    VEHICLE = "vehicle", _("车辆")
    PERSON = "person", _("被执行人")


class WatchSource(models.TextChoices):
    SEIZURE = "seizure", _("车辆查封登记")
    OFFICER = "officer", _("承办人布控")
    RESTRICTION = "restriction", _("限制消费令")
    DISHONEST = "dishonest", _("失信被执行人名单")


class WatchEntry(models.Model):
    """One vehicle or debtor the court watches, for one case, until ``expires_on`` or until it
    ends (the seizure lapsed or was released, the car was taken, the restriction was lifted)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    debtor = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("布控对象"), max_length=16, choices=WatchKind.choices)
    source = models.CharField(_("布控依据"), max_length=16, choices=WatchSource.choices)
    plate = models.CharField(_("车牌号码"), max_length=16, blank=True)
    plate_key = models.CharField(max_length=16, blank=True, db_index=True)
    id_number = models.CharField(_("证件号码"), max_length=32, blank=True, db_index=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收预警的干警"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ruling_number = models.CharField(_("查封、扣押裁定文号"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=256, blank=True)
    # the row of the owning app this entry follows (read through its selectors, never written)
    freeze_id = models.PositiveBigIntegerField(null=True, blank=True)
    measure_id = models.PositiveBigIntegerField(null=True, blank=True)
    listing_id = models.PositiveBigIntegerField(null=True, blank=True)
    starts_at = models.DateTimeField(_("布控开始"))
    expires_on = models.DateField(_("布控届满日"))
    ended_at = models.DateTimeField(_("布控结束"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=128, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("布控对象")
        verbose_name_plural = _("布控对象")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["court", "ended_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "plate", "id_number"],
                condition=models.Q(ended_at__isnull=True),
                name="watch_entry_one_open",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="vehicle") & ~models.Q(plate=""))
                | (models.Q(kind="person") & ~models.Q(id_number="")),
                name="watch_entry_has_key",
            ),
        ]

    def __str__(self) -> str:
        return self.plate or self.id_number


class Camera(models.Model):
    """A parking-lot or road camera, as its reads describe it."""

    code = models.CharField(_("设备编号"), max_length=64, unique=True)
    name = models.CharField(_("位置"), max_length=128, blank=True)
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    reads = models.PositiveBigIntegerField(_("识别次数"), default=0)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("卡口摄像机")
        verbose_name_plural = _("卡口摄像机")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name or self.code


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待派警")
    DISPATCHED = "dispatched", _("已派警")
    SEIZED = "seized", _("已扣押")
    LOCATED = "located", _("已找到被执行人")
    GONE = "gone", _("已离开")
    FALSE_MATCH = "false_match", _("误报")


LIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.DISPATCHED)


class Alert(models.Model):
    """A sighting of a watched vehicle or debtor. Later sightings of the same entry within the
    de-duplication window add to ``sightings`` instead of raising another alert."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(WatchEntry, on_delete=models.PROTECT, related_name="alerts")
    status = models.CharField(_("状态"), max_length=16, choices=AlertStatus.choices, default="open")
    observed = models.CharField(_("识别结果"), max_length=64)
    distance = models.PositiveSmallIntegerField(_("差异字符数"), default=0)
    confidence = models.FloatField(_("置信度"))
    reason = models.CharField(_("匹配理由"), max_length=512)
    source = models.CharField(_("来源"), max_length=64)  # camera code or feed name
    place = models.CharField(_("地点"), max_length=128, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    image_ref = models.CharField(_("图像"), max_length=256, blank=True)
    seen_at = models.DateTimeField(_("发现时间"))
    last_seen_at = models.DateTimeField(_("最近一次发现"))
    sightings = models.PositiveIntegerField(_("发现次数"), default=1)
    created_at = models.DateTimeField()
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_note = models.CharField(_("派警说明"), max_length=256, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.CharField(_("处置情况"), max_length=256, blank=True)
    measure_id = models.PositiveBigIntegerField(null=True, blank=True)  # the 扣押 it led to
    # who was notified: the officer on duty when it was raised (DutyShift), else the entry's officer
    notified = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收预警的干警"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("布控预警")
        verbose_name_plural = _("布控预警")
        ordering = ["-id"]
        indexes = [models.Index(fields=["court", "id"]), models.Index(fields=["entry", "last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.observed} @ {self.place or self.source}"


class Sighting(models.Model):
    """One plate read or feed event that matched the watch list (the inbox of sightings): its
    ``message_id`` is the sender's idempotency key, so a repeat changes nothing."""

    channel = models.CharField(max_length=16)  # "plate" or the feed's name (railway, airline, hotel)
    message_id = models.CharField(max_length=96)
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="sighting_rows")
    observed = models.CharField(max_length=64)
    source = models.CharField(max_length=64)
    seen_at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("布控命中记录")
        verbose_name_plural = _("布控命中记录")
        constraints = [
            models.UniqueConstraint(fields=["channel", "message_id"], name="watch_sighting_unique"),
        ]


class FeedMessage(models.Model):
    """Every joint-punishment feed message received (signed, idempotent), matched or not: the
    sender pushes only listed or restricted persons, so keeping the message is within purpose."""

    feed = models.CharField(max_length=16)
    message_id = models.CharField(max_length=96)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField()
    matched = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("联合惩戒反馈")
        verbose_name_plural = _("联合惩戒反馈")
        constraints = [models.UniqueConstraint(fields=["feed", "message_id"], name="watch_feed_unique")]


class DutyShift(models.Model):
    """An officer on duty for the court's 布控 alerts: on the days from ``starts_on`` to
    ``ends_on`` (a date range), or every week on ``weekday`` (0 Monday … 6 Sunday). A date range
    covering the day comes before the weekly roster; with nobody on duty the alert goes to the
    officer the watch entry names (the case officer). The command center keeps it (/watch/duty/)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("值班干警"), on_delete=models.PROTECT, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("每周"), null=True, blank=True)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=128, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("布控值班")
        verbose_name_plural = _("布控值班")
        ordering = ["weekday", "starts_on", "id"]
        indexes = [models.Index(fields=["court", "removed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        weekday__isnull=False, weekday__lte=6, starts_on__isnull=True, ends_on__isnull=True
                    )
                    | models.Q(
                        weekday__isnull=True,
                        starts_on__isnull=False,
                        ends_on__isnull=False,
                        ends_on__gte=models.F("starts_on"),
                    )
                ),
                name="watch_duty_weekly_or_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id}@{self.weekday if self.weekday is not None else self.starts_on}"
