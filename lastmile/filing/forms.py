"""Forms of batch filing used by the portal: a bank's upload, and the several respondents of an
online or counter filing."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from lastmile.accounts.models import Court
from lastmile.core.errors import InvalidIdentifier
from lastmile.core.identifiers import validate_resident_id, validate_uscc
from lastmile.parties.models import IdType, PartyKind

from .models import InstitutionClient


class BankUploadForm(forms.Form):
    """A bank's staff upload the spreadsheet the API takes (the same columns; see docs/filing.md)."""

    court = forms.ModelChoiceField(label="受理法院", queryset=Court.objects.none(), empty_label=None)
    batch_id = forms.CharField(
        label="批次号（可不填；同一批次号重复提交不会重复立案）", max_length=64, required=False
    )
    file = forms.FileField(label="借款明细表（XLSX，或UTF-8/GBK编码的CSV）")

    def __init__(self, *args: Any, client: InstitutionClient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        courts: QuerySet[Court] = client.courts.order_by("code")
        self.fields["court"].queryset = courts  # type: ignore[attr-defined]


# --- several respondents (被执行人 / 被告), guarantors marked ---------------------------------------

MAX_RESPONDENTS = 20


class RespondentForm(forms.Form):
    """One respondent of a filing: a natural person (resident ID, GB 11643) or an organisation
    (unified social credit code, GB 32100), checked here; ``guarantor`` marks a guarantor (担保人)."""

    kind = forms.ChoiceField(label="类型", choices=PartyKind.choices, initial=PartyKind.PERSON)
    name = forms.CharField(label="姓名或名称", max_length=128)
    id_number = forms.CharField(label="身份证号码或统一社会信用代码", max_length=32)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    address = forms.CharField(label="住所地", max_length=256, required=False)
    guarantor = forms.BooleanField(label="担保人（对债务承担担保责任）", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = (data.get("id_number") or "").strip()
        if not number or "kind" not in data:
            return data
        try:
            if data["kind"] == PartyKind.PERSON:
                data["id_number"] = validate_resident_id(number).number
            else:
                data["id_number"] = validate_uscc(number)
        except InvalidIdentifier as exc:
            self.add_error("id_number", exc.message)
        return data

    def respondent(self) -> dict[str, Any]:
        d = self.cleaned_data
        person = d["kind"] == PartyKind.PERSON
        return {
            "kind": d["kind"],
            "name": d["name"].strip(),
            "id_type": IdType.RESIDENT_ID if person else IdType.USCC,
            "id_number": d["id_number"],
            "phone": d.get("phone", "").strip(),
            "address": d.get("address", "").strip(),
            "guarantor": bool(d.get("guarantor")),
        }


class BaseRespondentFormSet(forms.BaseFormSet):
    """At least one respondent and at most :data:`MAX_RESPONDENTS`; rows marked for removal are
    dropped; the same person twice, or only guarantors and no principal debtor, is refused."""

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = self.kept_forms()
        if not kept:
            raise forms.ValidationError("请至少填写一名被执行人。")
        numbers = [f.cleaned_data["id_number"].upper() for f in kept]
        if len(set(numbers)) != len(numbers):
            raise forms.ValidationError("同一当事人填写了两次，请核对证件号码。")
        if all(f.cleaned_data.get("guarantor") for f in kept):
            raise forms.ValidationError("担保人之外，还须列明主债务人。")

    def kept_forms(self) -> list[RespondentForm]:
        """The rows filled in and not marked for removal (``DELETE``)."""
        return [
            f
            for f in self.forms
            if isinstance(f, RespondentForm)
            and f.has_changed()
            and not (self.can_delete and getattr(f, "cleaned_data", {}).get("DELETE"))
        ]

    def respondents(self) -> list[dict[str, Any]]:
        """The respondents in the order given, principal debtors before guarantors."""
        rows = [f.respondent() for f in self.kept_forms()]
        return [r for r in rows if not r["guarantor"]] + [r for r in rows if r["guarantor"]]


RespondentFormSet = forms.formset_factory(
    RespondentForm,
    formset=BaseRespondentFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_RESPONDENTS,
    validate_max=True,
    can_delete=True,
)

RESPONDENTS_PREFIX = "respondents"
_LEGACY_FIELDS = ("kind", "name", "id_number", "phone", "address")


def respondent_formset(data: Any = None) -> BaseRespondentFormSet:
    """The respondents' rows of a filing form (prefix ``respondents``). A form posted in the
    earlier one-respondent shape (``respondent_name`` …, without the formset's management fields)
    is read as one row, so older clients keep working."""
    if data is not None and f"{RESPONDENTS_PREFIX}-TOTAL_FORMS" not in data and "respondent_name" in data:
        legacy = {
            f"{RESPONDENTS_PREFIX}-TOTAL_FORMS": "1",
            f"{RESPONDENTS_PREFIX}-INITIAL_FORMS": "0",
        }
        for name in _LEGACY_FIELDS:
            legacy[f"{RESPONDENTS_PREFIX}-0-{name}"] = data.get(f"respondent_{name}", "")
        data = legacy
    return cast(BaseRespondentFormSet, RespondentFormSet(data, prefix=RESPONDENTS_PREFIX))
