"""Program set-up, for the program office: its programs, their pairings (start, end, successor),
organisations, indicators, targets, the accounts and roles of each program, and its years: a year's
report certified (which locks the year), a year locked or opened again for corrections, with the history.

Like every view, these parse input and call one action; the action asks the one policy and its
refusal lands on the form. The pages open for users the policy grants a set-up verb somewhere.
"""

from functools import partial
from typing import Any

from dal import autocomplete
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counterpart.access.models import Membership, Role
from counterpart.access.policy import memberships_of
from counterpart.access.services import (
    account_invite,
    membership_grant,
    membership_revoke,
    membership_update,
    program_found,
)
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.indicators.assessment import target_set
from counterpart.indicators.models import Target
from counterpart.indicators.services import indicator_create
from counterpart.registry.models import Area, Pairing, PeriodLock, Program
from counterpart.registry.services import (
    organisation_create,
    pairing_create,
    pairing_end,
    period_lock,
    period_unlock,
    program_update,
)
from counterpart.reports.models import CertifiedReport
from counterpart.reports.services import report_certify

from . import can, setup_forms
from .menu import SETUP_VERBS
from .submit import form_submit


def setup_open(user: Any) -> bool:
    return bool(user.is_authenticated) and can.can_any(user, SETUP_VERBS)


def _open(request: HttpRequest) -> None:
    if not setup_open(request.user):
        raise PermissionDenied(_("您的角色不能进行此操作"))


def programs_run_by(user: Any) -> QuerySet[Program]:
    """The programs whose office ``user`` holds (every program for a superuser)."""
    if user.is_superuser:
        return Program.objects.order_by("slug")
    ids = [m.program_id for m in memberships_of(user) if m.role == Role.PROGRAM_OFFICE]
    return Program.objects.filter(pk__in=ids).order_by("slug")


def _program(request: HttpRequest, slug: str) -> Program:
    """A program the user runs; any other is not found (404), as records out of scope are."""
    program = programs_run_by(request.user).filter(slug=slug).first()
    if program is None:
        raise Http404
    return program


# The one flow of every form (submit.py); success goes to the URL ``write`` returns.
_submit = partial(form_submit, template="web/setup_form.html")


def _program_url(program: Program) -> str:
    return reverse("web:setup_program", kwargs={"slug": program.slug})


# --- pages ----------------------------------------------------------------------------------------------


@login_required
def setup_home(request: HttpRequest) -> HttpResponse:
    _open(request)
    programs = list(programs_run_by(request.user))
    return render(
        request,
        "web/setup_home.html",
        {"programs": programs, "may_create": can.can(request.user, "program_create")},
    )


@login_required
def setup_program(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    _open(request)
    pairings = Pairing.objects.filter(program=program).select_related("donor_area", "recipient_area", "successor")
    memberships = (
        Membership.objects.filter(_members_of(program))
        .select_related("user", "area", "organisation", "program")
        .order_by("-is_active", "user__username")
    )
    targets = Target.objects.filter(program=program).select_related("indicator", "pairing").order_by("year")
    return render(
        request,
        "web/setup_program.html",
        {
            "program": program,
            "pairings": pairings,
            "memberships": memberships,
            "targets": targets,
            "locks": PeriodLock.objects.filter(program=program).order_by("-year", "-locked_at"),
            "certified": CertifiedReport.objects.filter(program=program).order_by("-year", "-certified_at"),
            # An account just made: its set-password link, shown this once.
            "invitation": request.session.pop("setup_invitation", None),
        },
    )


def _members_of(program: Program) -> Q:
    """The memberships a program's office sees on its page: its own office, the offices of areas it pairs."""
    recipients = set(Pairing.objects.filter(program=program).values_list("recipient_area_id", flat=True))
    donors = set(Pairing.objects.filter(program=program).values_list("donor_area_id", flat=True))
    condition = Q(program=program)
    for code in recipients:
        condition |= Q(role=Role.RECIPIENT_OFFICE, area__code__startswith=code)
    if donors:
        condition |= Q(role=Role.DONOR_DISTRICT_OFFICE, area__in=donors)
    return condition


@login_required
def program_create_view(request: HttpRequest) -> HttpResponse:
    _open(request)
    form = setup_forms.ProgramCreateForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        program = program_found(
            actor=Actor.of(request.user),
            slug=data["slug"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            donor_area=data["donor_area"],
            other_donor_areas=list(data["other_donor_areas"]),
            start_year=data["start_year"],
            end_year=data["end_year"],
            description=data["description"],
        )
        return _program_url(program)

    return _submit(request, form, _("新建协作项目"), write, _("协作项目已创建"))


@login_required
def program_edit_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    _open(request)
    initial = {
        "name_zh": program.name_zh,
        "name_en": program.name_en,
        "end_year": program.end_year,
        "description": program.description,
        "other_donor_areas": list(program.other_donor_areas.all()),
    }
    form = setup_forms.ProgramEditForm(request.POST or None, initial=initial)

    def write(data: dict[str, Any]) -> str:
        fields = {name: data[name] for name in ("name_zh", "name_en", "end_year", "description")}
        program_update(
            actor=Actor.of(request.user),
            program=program,
            reason=data["reason"],
            other_donor_areas=list(data["other_donor_areas"]),
            **fields,
        )
        return _program_url(program)

    return _submit(request, form, _("修改协作项目"), write, _("协作项目已修改"), program=program)


@login_required
def pairing_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    _open(request)
    form = setup_forms.PairingCreateForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        pairing_create(
            actor=Actor.of(request.user),
            program=program,
            level=data["level"],
            donor_area=data["donor_area"],
            recipient_area=data["recipient_area"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            note=data["note"],
        )
        return _program_url(program)

    return _submit(request, form, _("新增结对关系"), write, _("结对关系已新增"), program=program)


@login_required
def pairing_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_object_or_404(Pairing.objects.filter(program__in=programs_run_by(request.user)), pk=pk)
    _open(request)
    form = setup_forms.PairingEndForm(request.POST or None, pairing=pairing)

    def write(data: dict[str, Any]) -> str:
        pairing_end(
            actor=Actor.of(request.user),
            pairing=pairing,
            valid_to=data["valid_to"],
            successor=data["successor"],
            reason=data["reason"],
        )
        return _program_url(pairing.program)

    return _submit(request, form, _("结束结对关系"), write, _("结对关系已结束"), program=pairing.program)


@login_required
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    _open(request)
    form = setup_forms.OrganisationCreateForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        organisation_create(
            actor=Actor.of(request.user),
            name_zh=data["name_zh"],
            kind=data["kind"],
            area=data["area"],
            name_en=data["name_en"],
            credit_code=data["credit_code"],
        )
        return reverse("web:setup")

    return _submit(request, form, _("新增单位"), write, _("单位已新增"))


@login_required
def indicator_create_view(request: HttpRequest) -> HttpResponse:
    _open(request)
    form = setup_forms.IndicatorCreateForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        indicator_create(
            actor=Actor.of(request.user),
            key=data["key"],
            name_zh=data["name_zh"],
            name_en=data["name_en"] or data["key"],
            topic=data["topic"],
            unit=data["unit"],
            aggregation=data["aggregation"],
            assessment_area=data["other_assessment_area"] or None,
            description=data["description"],
        )
        return reverse("web:setup")

    return _submit(request, form, _("新增指标"), write, _("指标已新增"))


@login_required
def target_set_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    _open(request)
    form = setup_forms.TargetSetForm(request.POST or None, program=program)

    def write(data: dict[str, Any]) -> str:
        target_set(
            actor=Actor.of(request.user),
            program=program,
            indicator_key=data["indicator"].key,
            year=data["year"],
            value=data["value"],
            pairing=data["pairing"],
            agreement=data["agreement"],
        )
        return _program_url(program)

    return _submit(request, form, _("设定目标"), write, _("目标已设定"), program=program)


def _role_subjects(program: Program, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "within": program,
        "program": program if data["role"] in (Role.PROGRAM_OFFICE, Role.REVIEWER) else None,
        "area": data["area"],
        "organisation": data["organisation"],
    }


@login_required
def account_invite_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    _open(request)
    form = setup_forms.AccountInviteForm(request.POST or None)

    def link_for(uid: str, token: str) -> str:
        return request.build_absolute_uri(reverse("web:password_set", kwargs={"uidb64": uid, "token": token}))

    def write(data: dict[str, Any]) -> str:
        invitation = account_invite(
            actor=Actor.of(request.user),
            username=data["username"],
            email=data["email"],
            role=data["role"],
            link_for=link_for,
            **_role_subjects(program, data),
        )
        # The link is shown once, to the program office, to pass on (it is also e-mailed when an address is given).
        request.session["setup_invitation"] = {
            "username": invitation.user.username,
            "link": invitation.set_password_link,
            "emailed": bool(data["email"]),
        }
        return _program_url(program)

    return _submit(request, form, _("邀请或开设账户"), write, _("账户已开设"), program=program)


@login_required
def membership_grant_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    _open(request)
    form = setup_forms.MembershipGrantForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        membership_grant(
            actor=Actor.of(request.user), user=data["username"], role=data["role"], **_role_subjects(program, data)
        )
        return _program_url(program)

    return _submit(request, form, _("授予角色"), write, _("角色已授予"), program=program)


@login_required
@require_POST
def membership_revoke_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _program(request, slug)
    _open(request)
    membership = get_object_or_404(Membership.objects.filter(_members_of(program)), pk=pk)
    try:
        membership_revoke(
            actor=Actor.of(request.user), membership=membership, within=program, reason=request.POST.get("reason", "")
        )
    except InvalidInput as error:
        messages.error(request, error.messages[0] if error.messages else str(error))
    except PermissionDenied as refused:
        messages.error(request, str(refused) or _("您的角色不能进行此操作"))
    else:
        messages.success(request, _("角色已撤销"))
    return redirect(_program_url(program))


def _program_opened(request: HttpRequest, slug: str) -> Program:
    """The program, for an office that may set up programs at all (403 for a role that may not)."""
    _open(request)
    return _program(request, slug)


@login_required
def membership_edit_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a role's area or enterprise in place (a county's staff member moves to another county)."""
    program = _program_opened(request, slug)
    membership = get_object_or_404(Membership.objects.filter(_members_of(program), is_active=True), pk=pk)
    subject = "organisation" if membership.role == Role.ENTERPRISE else "area"
    if membership.role not in (Role.RECIPIENT_OFFICE, Role.DONOR_DISTRICT_OFFICE, Role.ENTERPRISE):
        raise Http404  # a program office's role is about the program itself: nothing to move
    initial = {subject: getattr(membership, subject)}
    form = setup_forms.MembershipEditForm(request.POST or None, initial=initial, subject=subject)

    def write(data: dict[str, Any]) -> str:
        membership_update(
            actor=Actor.of(request.user),
            membership=membership,
            within=program,
            reason=data["reason"],
            **{subject: data[subject]},
        )
        return _program_url(program)

    title = _("修改 %(user)s 的角色范围") % {"user": membership.user.username}
    return _submit(request, form, title, write, _("角色范围已修改"), program=program)


# --- a year's report certified, a year locked and unlocked -------------------------------------------------


@login_required
def report_certify_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program_opened(request, slug)
    form = setup_forms.ReportCertifyForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        report_certify(actor=Actor.of(request.user), program=program, year=data["year"], note=data["note"])
        return _program_url(program)

    return _submit(request, form, _("核定年度报告"), write, _("年度报告已核定，该年度数据已锁定"), program=program)


@login_required
def period_lock_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program_opened(request, slug)
    form = setup_forms.PeriodLockForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        period_lock(actor=Actor.of(request.user), program=program, year=data["year"], reason=data["reason"])
        return _program_url(program)

    return _submit(request, form, _("锁定年度数据"), write, _("该年度数据已锁定"), program=program)


@login_required
def period_unlock_view(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    program = _program_opened(request, slug)
    form = setup_forms.PeriodUnlockForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        period_unlock(actor=Actor.of(request.user), program=program, year=year, reason=data["reason"])
        return _program_url(program)

    title = _("解锁 %(year)s 年度数据") % {"year": year}
    return _submit(request, form, title, write, _("该年度数据已解锁，可以更正"), program=program)


@method_decorator(login_required, name="dispatch")
class AreaAutocomplete(autocomplete.Select2QuerySetView):
    """The area picker: areas by (part of) their Chinese name, or by code; each shown as its name with
    the code small beside it and the area above it."""

    paginate_by = 20

    def get_queryset(self) -> QuerySet[Area]:
        if not setup_open(self.request.user):
            return Area.objects.none()
        term = (self.q or "").strip()
        queryset = Area.objects.select_related("parent").order_by("code")
        if not term:
            return queryset.none()
        if term.isdigit():
            return queryset.filter(code__startswith=term)
        return queryset.filter(Q(name_zh__contains=term) | Q(name_en__icontains=term))

    def get_result_label(self, result: Area) -> str:
        parent = result.parent.name_zh if result.parent is not None else ""
        return format_html('{} <small class="code">{} {}</small>', result.name_zh, parent, result.code)

    def get_selected_result_label(self, result: Area) -> str:
        return format_html('{} <small class="code">{}</small>', result.name_zh, result.code)
