"""The parties' side of mediation (在线调解): a party's login sees the mediations it is party to,
confirms it takes part, reads the draft agreement and its installment schedule, signs it online,
applies jointly for judicial confirmation, and downloads the ruling or 调解书 once issued.

Deny by default: the login reaches only its own party's mediations (a stranger's id is a 404),
and never the mediator's minutes. Each view makes one call into :mod:`lastmile.mediation`; a
refusal comes back as the Chinese message of the rule that refused it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.documents.services import document_content_disposition, document_pdf
from lastmile.mediation import selectors as mediation_selectors
from lastmile.mediation import services as mediation_services

from . import selectors

LOGIN = "portal:party_login"


def _error(request: AuthedRequest, exc: DomainError, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


@login_required(login_url=LOGIN)
def mediation_list(request: AuthedRequest) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    rows = list(mediation_selectors.mediations_of_party(account.party)[:100])
    return render(request, "portal/mediation/list.html", {"account": account, "rows": rows})


@login_required(login_url=LOGIN)
def mediation_detail(request: AuthedRequest, mediation_id: int) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        m = mediation_selectors.mediation_get_for_party(party=account.party, mediation_id=mediation_id)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    view = mediation_selectors.party_mediation_view(party=account.party, mediation=m)
    return render(request, "portal/mediation/detail.html", {"account": account, "v": view})


def _act(request: AuthedRequest, mediation_id: int, action: str) -> HttpResponse:
    """The three acts of a party: join, sign, apply. One service call each."""
    now = get_clock().now()
    try:
        account = selectors.account_for(request.user)
        m = mediation_selectors.mediation_get_for_party(party=account.party, mediation_id=mediation_id)
        if action == "join":
            mediation_services.mediation_party_join(mediation=m, party=account.party, now=now)
            messages.success(request, "您已确认参加调解。")
        elif action == "sign":
            if request.POST.get("agree") != "1":
                messages.error(request, "请先阅读调解协议并勾选同意。")
                return redirect("portal:mediation_detail", mediation_id=mediation_id)
            mediation_services.mediation_agreement_sign(
                mediation=m, party=account.party, typed_name=request.POST.get("name", ""), now=now
            )
            messages.success(request, "您已在线签署调解协议。")
        else:
            mediation_services.mediation_confirmation_apply(mediation=m, party=account.party, now=now)
            messages.success(request, "您已申请司法确认。")
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("portal:mediation_detail", mediation_id=mediation_id)


@require_POST
@login_required(login_url=LOGIN)
def mediation_join(request: AuthedRequest, mediation_id: int) -> HttpResponse:
    return _act(request, mediation_id, "join")


@require_POST
@login_required(login_url=LOGIN)
def mediation_sign(request: AuthedRequest, mediation_id: int) -> HttpResponse:
    return _act(request, mediation_id, "sign")


@require_POST
@login_required(login_url=LOGIN)
def mediation_apply(request: AuthedRequest, mediation_id: int) -> HttpResponse:
    return _act(request, mediation_id, "apply")


@login_required(login_url=LOGIN)
def mediation_document(request: AuthedRequest, mediation_id: int) -> HttpResponse:
    """The 司法确认裁定书 or 调解书 of the party's own mediation, as a PDF."""
    try:
        account = selectors.account_for(request.user)
        doc = mediation_selectors.party_mediation_document(party=account.party, mediation_id=mediation_id)
        data = document_pdf(doc)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        return _error(request, exc, 409)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = document_content_disposition(doc, attachment=True)
    return response
