"""Forms of the party portal: online enforcement filing and clues (Chinese messages)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from lastmile.accounts.models import Court, CourtLevel
from lastmile.core.errors import InvalidAmount
from lastmile.core.money import parse_amount
from lastmile.enforcement.models import BasisKind, ClueKind

from .models import FreezeReleaseReason

ALLOWED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png"}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            if Path(f.name or "upload").suffix.lower() not in ALLOWED_SUFFIXES:
                raise forms.ValidationError(f"文件“{f.name}”格式不支持，请上传PDF或图片。")
            if f.size and f.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(f"文件“{f.name}”超过20MB。")
        return cleaned


def _amount(value: str, label: str) -> Any:
    try:
        return parse_amount(value)
    except InvalidAmount as exc:
        raise forms.ValidationError(f"{label}：{exc.message}") from exc


class OnlineFilingForm(forms.Form):
    court = forms.ModelChoiceField(
        label="执行法院",
        queryset=Court.objects.filter(level=CourtLevel.BASIC).order_by("code"),
        empty_label="请选择法院",
    )
    basis_kind = forms.ChoiceField(label="执行依据种类", choices=BasisKind.choices)
    basis_issuer = forms.CharField(label="作出机构", max_length=64)
    basis_number = forms.CharField(label="文书编号", max_length=64)
    effective_on = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    performance_deadline = forms.DateField(
        label="履行期限届满日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    principal = forms.CharField(label="给付金额（元）", max_length=32)
    costs = forms.CharField(label="被执行人负担的诉讼费（元）", max_length=32, required=False)
    known_assets = forms.CharField(label="已知财产情况", widget=forms.Textarea, required=False)
    documents = MultipleFileField(label="申请材料（执行依据、生效证明等，PDF或图片）", required=True)

    def clean_principal(self) -> Any:
        return _amount(self.cleaned_data["principal"], "给付金额")

    def clean_costs(self) -> Any:
        value = self.cleaned_data.get("costs") or ""
        return _amount(value, "诉讼费") if value.strip() else None


def store_uploads(files: list[UploadedFile]) -> list[dict[str, Any]]:
    """Keep the uploaded documents under MEDIA_ROOT with their SHA-256."""
    folder = Path(settings.MEDIA_ROOT) / "filings" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    stored = []
    for f in files:
        digest = hashlib.sha256()
        target = folder / Path(f.name or "upload").name
        with target.open("wb") as out:
            for chunk in f.chunks():
                digest.update(chunk)
                out.write(chunk)
        stored.append(
            {
                "name": Path(f.name or "upload").name,
                "path": str(target),
                "sha256": digest.hexdigest(),
                "size": f.size,
            }
        )
    return stored


class ClueForm(forms.Form):
    kind = forms.ChoiceField(label="线索类型", choices=ClueKind.choices)
    description = forms.CharField(label="线索内容", widget=forms.Textarea, max_length=2000)
    location = forms.CharField(label="地点（如设备最后出现位置）", max_length=128, required=False)
    urgent = forms.BooleanField(label="紧急（财产可能转移）", required=False)


# --- the parties online: real-name sign-up, the debtor's requests, the officer's answer ----------


class SignupForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="居民身份证号码", max_length=18, min_length=15)
    phone = forms.CharField(label="手机号码", max_length=20)
    code = forms.CharField(label="短信验证码", max_length=6, required=False)
    password = forms.CharField(label="设置密码（至少8位）", widget=forms.PasswordInput, max_length=128)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, max_length=128)
    e_service_consent = forms.BooleanField(
        label="我同意人民法院通过本手机号码向我电子送达诉讼文书", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class PaymentOfferForm(forms.Form):
    amount = forms.CharField(label="愿意支付的金额（元）", max_length=32)
    installments = forms.IntegerField(label="分几期支付（1为一次性）", min_value=1, max_value=36, initial=1)
    first_due_on = forms.DateField(label="首期付款日", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label="说明（如收入情况、付款方式）", widget=forms.Textarea, max_length=2000, required=False
    )

    def clean_amount(self) -> Any:
        return _amount(self.cleaned_data["amount"], "金额")


class FreezeReleaseForm(forms.Form):
    reason = forms.ChoiceField(label="申请理由", choices=FreezeReleaseReason.choices)
    text = forms.CharField(label="具体说明", widget=forms.Textarea, max_length=2000, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", widget=forms.Textarea, max_length=2000)
