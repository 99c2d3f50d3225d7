"""A party's notifications in the portal: documents served on it, money received or paid out,
as the disclosure table shows them to its side (:mod:`lastmile.notifications.selectors`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.core.clock import get_clock
from lastmile.core.errors import PermissionDenied
from lastmile.notifications.selectors import Notification, party_notifications
from lastmile.notifications.services import notifications_mark_read

from . import selectors
from .models import PortalAccount

LOGIN = "portal:party_login"


def _rows(user: Any, account: PortalAccount) -> list[Notification]:
    cases = [
        (case, selectors.account_sides(account=account, case=case))
        for case in selectors.party_cases(account=account)
    ]
    return party_notifications(user, cases=cases, party_id=account.party_id)


def party_unread_count(user: Any) -> int:
    """Unread notifications of a portal login (0 for any other account)."""
    pk = getattr(user, "pk", None)
    account = PortalAccount.objects.filter(user_id=pk).first() if pk is not None else None
    if account is None:
        return 0
    return sum(1 for n in _rows(user, account) if n.unread)


@login_required(login_url=LOGIN)
def notifications(request: AuthedRequest) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
    except PermissionDenied as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    return render(request, "portal/party/notifications.html", {"rows": _rows(request.user, account)})


@login_required(login_url=LOGIN)
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    try:
        selectors.account_for(request.user)
    except PermissionDenied as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    notifications_mark_read(user=request.user, now=get_clock().now())
    messages.success(request, "已全部标为已读。")
    return redirect("portal:party_notifications")
