"""Party pages: my cases, progress, reception booking; and the duty officer's bookings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.accounts.http import AuthedRequest
from lastmile.accounts.throttle import client_address, rate_limited
from lastmile.cases.disclosure import Side
from lastmile.core.clock import get_clock
from lastmile.core.errors import DomainError, NotFound, PermissionDenied
from lastmile.core.identifiers import mask_phone
from lastmile.core.inputs import int_or_none
from lastmile.documents.services import document_content_disposition
from lastmile.documents.services import document_pdf as document_pdf_bytes
from lastmile.enforcement.services import ExecutionBasisIn
from lastmile.filing.forms import respondent_formset
from lastmile.ledger.services import CostItem

from . import selectors, services, services_requests, services_signup
from .conf import portal_setting
from .forms import (
    AnswerForm,
    ClueForm,
    FreezeReleaseForm,
    OnlineFilingForm,
    PaymentOfferForm,
    SignupForm,
    store_uploads,
)

LOGIN = "portal:party_login"


def _error(request: AuthedRequest, exc: DomainError, status: int = 400) -> HttpResponse:
    return render(request, "web/error.html", {"message": exc.message}, status=status)


@login_required(login_url=LOGIN)
def home(request: AuthedRequest) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    cases = selectors.party_cases(account=account)
    can_file = not selectors.account_is_debtor_only(account=account)
    return render(
        request, "portal/party/home.html", {"account": account, "cases": cases, "can_file": can_file}
    )


@login_required(login_url=LOGIN)
def case_progress(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    now = get_clock().now()
    is_debtor = Side.DEBTOR in selectors.account_sides(account=account, case=case)
    return render(
        request,
        "portal/party/progress.html",
        {
            "progress": selectors.case_progress(account=account, case=case),
            "slots": selectors.slots_open(case=case, now=now),
            "orders": selectors.served_documents(account=account, case=case),
            "hearing": selectors.party_hearing(account=account, case=case),
            "requests": selectors.party_requests(account=account, case=case),
            "is_debtor": is_debtor and not case.is_closed,
            "has_freeze": is_debtor and selectors.case_has_active_freeze(case),
        },
    )


@require_POST
@login_required(login_url=LOGIN)
def booking_make(request: AuthedRequest, case_id: int) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
        slot_id = int_or_none(request.POST.get("slot")) or 0
        services.booking_make(
            account=account,
            case=case,
            slot_id=slot_id,
            topic=request.POST.get("topic", ""),
            now=get_clock().now(),
        )
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:party_case", case_id=case_id)
    messages.success(request, "预约成功，请按时到院。")
    return redirect("portal:party_case", case_id=case_id)


@require_POST
@login_required(login_url=LOGIN)
def booking_cancel(request: AuthedRequest, booking_id: int) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        booking = services.booking_cancel(account=account, booking_id=booking_id, now=get_clock().now())
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        return _error(request, exc)
    messages.success(request, "预约已取消。")
    return redirect("portal:party_case", case_id=booking.case_id)


@login_required
def duty(request: AuthedRequest) -> HttpResponse:
    """The duty officer's reception list (执行值班接待)."""
    try:
        bookings = selectors.duty_bookings(
            officer=request.user, since=get_clock().now() - timedelta(hours=12)
        )
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    day = selectors.reception_day(actor=request.user, day=get_clock().today())
    return render(request, "portal/party/duty.html", {"bookings": bookings, "day": day})


@require_POST
@login_required
def duty_receive(request: AuthedRequest, booking_id: int) -> HttpResponse:
    try:
        services.booking_receive(
            officer=request.user,
            booking_id=booking_id,
            outcome=request.POST.get("outcome", ""),
            now=get_clock().now(),
        )
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        return _error(request, exc)
    messages.success(request, "已记录接待情况。")
    return redirect("portal:duty")


@login_required(login_url=LOGIN)
def file_online(request: AuthedRequest) -> HttpResponse:
    """An applicant files for enforcement online (网上申请执行); a clerk accepts it within 7 days.
    A debtor's account is refused before anything (uploads included) is stored."""
    try:
        account = selectors.account_for(request.user)
        services.applicant_require(account=account)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    form = OnlineFilingForm(request.POST or None, request.FILES or None)
    respondents = respondent_formset(request.POST or None)  # several respondents, guarantors marked
    if request.method == "POST" and all([form.is_valid(), respondents.is_valid()]):
        d = form.cleaned_data
        costs = [CostItem(kind="acceptance_fee", label="案件受理费", amount=d["costs"])] if d["costs"] else []
        basis = ExecutionBasisIn(
            kind=d["basis_kind"],
            issuer=d["basis_issuer"],
            number=d["basis_number"],
            effective_on=d["effective_on"],
            performance_deadline=d["performance_deadline"],
            principal=d["principal"],
            costs=costs,
        )
        try:
            case = services.party_enforcement_file(
                account=account,
                court=d["court"],
                basis=basis,
                respondents=respondents.respondents(),
                attachments=store_uploads(d["documents"]),
                known_assets=d.get("known_assets", ""),
                now=get_clock().now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"申请已提交，案号{case.number}，法院将在7日内审查立案。")
            return redirect("portal:party_case", case_id=case.pk)
    return render(request, "portal/party/file.html", {"form": form, "respondents": respondents})


@login_required(login_url=LOGIN)
def clue_submit(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The case's applicant reports an asset or whereabouts clue (checked within 7 days, 3 if
    urgent). Anyone else on the case is refused."""
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
        services.applicant_require(account=account, case=case)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    form = ClueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.party_clue_submit(
                account=account,
                case=case,
                kind=d["kind"],
                description=d["description"],
                location=d.get("location", ""),
                urgent=d.get("urgent", False),
                now=get_clock().now(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "线索已提交，法院将依法核查。")
            return redirect("portal:party_case", case_id=case.pk)
    return render(request, "portal/party/clue.html", {"form": form, "case": case})


# --- the parties online: sign-up, served documents, hearing link, the debtor's requests ------------


def _signup_limited(request: HttpRequest) -> bool:
    return rate_limited(
        scope="portal-signup",
        address=client_address(request),
        limit=int(portal_setting("SIGNUP_PER_ADDRESS_PER_HOUR")),
        window=3600,
    )


def _filled(request: HttpRequest) -> SignupForm:
    """The sign-up form showing what was typed (passwords and code left out), without errors."""
    keep = ("name", "id_number", "phone", "e_service_consent")
    return SignupForm(initial={k: request.POST.get(k, "") for k in keep})


def signup(request: HttpRequest) -> HttpResponse:
    """Real-name sign-up of a natural person: name, resident ID, phone confirmed by an SMS code,
    password. "获取验证码" sends the code; "注册" creates the account and logs it in."""
    page = "portal/party/signup.html"
    if request.method != "POST":
        return render(request, page, {"form": SignupForm()})
    if _signup_limited(request):
        return render(
            request, page, {"form": _filled(request), "error": "操作过于频繁，请一小时后再试。"}, status=429
        )
    now = get_clock().now()
    if request.POST.get("action") == "code":
        # Only the phone matters here: the other fields are kept as typed, not judged yet.
        try:
            sent = services_signup.phone_code_send(phone=request.POST.get("phone", ""), now=now)
        except DomainError as exc:
            return render(request, page, {"form": _filled(request), "error": exc.message})
        minutes = portal_setting("CODE_MINUTES")
        messages.success(request, f"验证码已发送至{mask_phone(sent.phone)}，{minutes}分钟内有效。")
        return render(request, page, {"form": _filled(request)})
    form = SignupForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            account = services_signup.party_signup(
                data=services_signup.SignupIn(
                    name=d["name"],
                    id_number=d["id_number"],
                    phone=d["phone"],
                    code=d.get("code", ""),
                    password=d["password"],
                    e_service_consent=d.get("e_service_consent", False),
                ),
                now=now,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"注册成功。您的登录账号为手机号码{account.user.username}。")
            return redirect("portal:party_home")
    return render(request, page, {"form": form})


@login_required(login_url=LOGIN)
def documents(request: AuthedRequest) -> HttpResponse:
    """The documents served on the account's own party, newest first, each downloadable."""
    try:
        account = selectors.account_for(request.user)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    return render(
        request,
        "portal/party/documents.html",
        {"account": account, "orders": selectors.served_documents(account=account)},
    )


@login_required(login_url=LOGIN)
def document_pdf(request: AuthedRequest, order_id: int) -> HttpResponse:
    """One document served on the account's party, as its stored PDF (checked against the
    SHA-256 recorded when it was issued)."""
    try:
        account = selectors.account_for(request.user)
        order = selectors.served_document_get(account=account, order_id=order_id)
        data = document_pdf_bytes(order.document)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        return _error(request, exc, 409)
    response = HttpResponse(data, content_type="application/pdf")
    # named by the document's number (the case number) and title, as every download is
    response["Content-Disposition"] = document_content_disposition(order.document, attachment=True)
    return response


@require_POST
@login_required(login_url=LOGIN)
def hearing_link(request: AuthedRequest, case_id: int) -> HttpResponse:
    """A party asks for its online hearing's link; shown on the case page once given."""
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
        services_requests.hearing_link_request(account=account, case=case, now=get_clock().now())
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "庭审链接已提供，请在开庭时间前进入。")
    return redirect("portal:party_case", case_id=case_id)


def _debtor_page(
    request: AuthedRequest, case_id: int, form_class: Any, template: str, submit: Any, what: str
) -> HttpResponse:
    try:
        account = selectors.account_for(request.user)
        case = selectors.party_case_get(account=account, case_id=case_id)
        services_requests.debtor_side_require(account, case, what)
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:  # a closed case
        return _error(request, exc, 409)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit(account, case, form.cleaned_data, get_clock().now())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已提交，承办人将尽快答复，答复结果将显示在案件页面。")
            return redirect("portal:party_case", case_id=case.pk)
    return render(request, template, {"form": form, "case": case})


@login_required(login_url=LOGIN)
def payment_offer(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The debtor offers to pay: amount, instalments, first payment day."""

    def submit(account: Any, case: Any, d: dict[str, Any], now: Any) -> None:
        services_requests.payment_offer_submit(
            account=account,
            case=case,
            amount=d["amount"],
            installments=d["installments"],
            first_due_on=d["first_due_on"],
            text=d.get("text", ""),
            now=now,
        )

    return _debtor_page(request, case_id, PaymentOfferForm, "portal/party/offer.html", submit, "提交履行方案")


@login_required(login_url=LOGIN)
def freeze_release(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The debtor asks for the release of the case's freezes, with its reason."""

    def submit(account: Any, case: Any, d: dict[str, Any], now: Any) -> None:
        services_requests.freeze_release_request(
            account=account, case=case, reason=d["reason"], text=d.get("text", ""), now=now
        )

    return _debtor_page(
        request, case_id, FreezeReleaseForm, "portal/party/release.html", submit, "申请解除冻结"
    )


@login_required
def staff_requests(request: AuthedRequest) -> HttpResponse:
    """The officer's list of the parties' online requests on its court's cases (当事人申请)."""
    try:
        rows = selectors.requests_for_staff(actor=request.user)[:200]
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    return render(request, "portal/party/staff_requests.html", {"rows": rows, "form": AnswerForm()})


@require_POST
@login_required
def staff_request_answer(request: AuthedRequest, request_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    try:
        services_requests.party_request_answer(
            actor=request.user,
            request_id=request_id,
            answer=form.data.get("answer", ""),
            now=get_clock().now(),
        )
    except PermissionDenied as exc:
        return _error(request, exc, 403)
    except NotFound as exc:
        return _error(request, exc, 404)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已答复，当事人可在门户查看。")
    return redirect("portal:staff_requests")
