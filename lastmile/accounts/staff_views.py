"""The court's staff pages for its 管理员 (``staff.manage``): staff accounts of the own court (list,
open an account with its role, department, team and 书记员, deactivate, reset a password) and the
departments and teams. Each view makes one service or selector call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lastmile.core.errors import DomainError
from lastmile.core.listing import Column, list_response, param_int

from . import selectors, services
from .http import AuthedRequest
from .models import Department, Role, Team, TeamKind, User

_DEPT = "department__name"
COLUMNS: tuple[Column, ...] = (
    Column("username", "用户名", lambda u: u.username, sort="username"),
    Column("name", "姓名", lambda u: u.display_name, sort="display_name"),
    Column("role", "岗位角色", lambda u: u.get_role_display(), sort="role"),
    Column("department", "部门", lambda u: u.department.name if u.department else "", sort=_DEPT),
    Column("team", "团队", lambda u: u.team.name if u.team else "", sort="team__name"),
    Column("clerk", "书记员", lambda u: u.clerk.display_name if u.clerk else ""),
    Column("active", "状态", lambda u: "在用" if u.is_active else "已停用", sort="is_active"),
)


@login_required
def staff_list(request: AuthedRequest) -> HttpResponse:
    get = request.GET
    filters = {k: get.get(k, "").strip() for k in ("q", "role", "active")}
    try:
        qs = selectors.staff_for_manager(
            actor=request.user, query=filters["q"], role=filters["role"], active=filters["active"]
        )
    except DomainError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=403)
    court_id = request.user.court_id or -1
    return list_response(
        request,
        qs,
        columns=COLUMNS,
        default_sort="username",
        export_name="工作人员",
        template="accounts/staff.html",
        partial="accounts/_staff_rows.html",
        context={
            "filters": filters,
            "roles": Role.choices,
            "team_kinds": TeamKind.choices,
            "departments": Department.objects.filter(court_id=court_id).order_by("name"),
            "teams": Team.objects.filter(court_id=court_id).select_related("department").order_by("name"),
            "clerks": User.objects.filter(court_id=court_id, is_active=True).order_by("display_name"),
            "unit": "人",
        },
    )


@login_required
@require_POST
def staff_act(request: AuthedRequest) -> HttpResponse:
    """create · deactivate · password · department · team · phone (the court's telephone)"""
    actor, post = request.user, request.POST
    action = post.get("action", "")
    try:
        if action == "create":
            user = services.staff_account_create(
                actor=actor,
                username=post.get("username", ""),
                display_name=post.get("display_name", ""),
                role=post.get("role", ""),
                password=post.get("password", ""),
                department_id=param_int(post.get("department")),
                team_id=param_int(post.get("team")),
                clerk_id=param_int(post.get("clerk")),
            )
            messages.success(request, f"已开设账号{user.username}。")
        elif action == "deactivate":
            user = services.staff_deactivate(actor=actor, user_id=param_int(post.get("user")) or 0)
            messages.success(request, f"已停用{user.username}。")
        elif action == "password":
            user = services.staff_password_reset(
                actor=actor, user_id=param_int(post.get("user")) or 0, password=post.get("password", "")
            )
            messages.success(request, f"已重置{user.username}的密码。")
        elif action == "department":
            department = services.department_add(actor=actor, name=post.get("name", ""))
            messages.success(request, f"部门“{department.name}”已就绪。")
        elif action == "phone":
            court = services.court_phone_update(actor=actor, phone=post.get("phone", ""))
            messages.success(request, f"本院电话已登记为{court.phone}。")
        elif action == "team":
            team = services.team_add(
                actor=actor,
                name=post.get("name", ""),
                kind=post.get("kind", ""),
                department_id=param_int(post.get("department")),
            )
            messages.success(request, f"团队“{team.name}”已就绪。")
        else:
            messages.error(request, "未知操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:staff")
