"""Forms of batch filing used by the portal: a bank's upload, and the several respondents of an
online or counter filing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lastmile.accounts.models import Court

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
