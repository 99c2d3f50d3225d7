"""The institution's own staff on the portal: their logins, and their uploads (one path with the API)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from lastmile.accounts.models import Court, User
from lastmile.accounts.services import party_login_create
from lastmile.core.errors import PermissionDenied

from ..models import InstitutionClient, InstitutionStaff, InstitutionStaffRole
from .common import BatchRefused
from .submission import BatchSubmission, batch_submit


@transaction.atomic
def institution_staff_create(
    *,
    client: InstitutionClient,
    username: str,
    display_name: str,
    password: str,
    now: datetime,
    role: str = InstitutionStaffRole.OPERATOR,
) -> InstitutionStaff:
    """A portal login for a member of ``client``'s staff: no court and no staff role, so no court
    capability reaches it; it acts only for its own institution."""
    username = username.strip()
    if not username:
        raise BatchRefused("请填写登录名。")
    if role not in InstitutionStaffRole.values:
        raise BatchRefused("职责不正确。")
    if User.objects.filter(username=username).exists():
        raise BatchRefused(f"登录名“{username}”已被使用。")
    user = party_login_create(username=username, display_name=display_name.strip(), password=password)
    return InstitutionStaff.objects.create(user=user, client=client, role=role, created_at=now)


def batch_submit_by_staff(
    *,
    staff: InstitutionStaff,
    court: Court,
    external_id: str,
    filename: str,
    content: bytes,
    now: datetime,
) -> BatchSubmission:
    """A bank's staff upload a spreadsheet in the portal. The same path as the API
    (:func:`batch_submit` in the institution's name, processed by the worker); the batch records
    the staff login that uploaded it. A disabled login or institution is refused, nothing stored."""
    if not staff.active or not staff.client.active:
        raise PermissionDenied("您的机构账号已停用，请联系法院。")
    return batch_submit(
        court=court,
        client=staff.client,
        external_id=external_id,
        now=now,
        uploader=staff.user,
        filename=filename,
        content=content,
    )
