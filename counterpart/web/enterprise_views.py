"""Enterprise set-up, market event participation and job placement, in the signed-in app (issue 18):
registering an enterprise in its programs, its operations in the recipient region and its cooperation
agreements, an enterprise registered at a fair with its sales, a labourer placed in a job.

Like every view, these parse input and call one action; the action asks the one policy (today the
program office for the enterprise records and events; the program office or the county office of the
person's area for a placement), the period guard and the audit. A form page opens for a user the
policy grants its verb somewhere (else 403); a refusal lands on the form's field, in the user's language.
"""

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counterpart.access.scoping import scoped, scoped_get_or_404
from counterpart.core.audit import Actor
from counterpart.enterprise.models import Enterprise, MarketEvent
from counterpart.enterprise.services import (
    agreement_sign,
    enterprise_register,
    event_participation_record,
    operation_record,
)
from counterpart.people.models import Person, Training
from counterpart.people.services import job_placement_record

from . import can, enterprise_forms
from .submit import form_submit


def _open(request: HttpRequest, verb: str) -> None:
    if not can.can(request.user, verb):
        raise PermissionDenied(_("您的角色不能进行此操作"))


# The one flow of every form (submit.py); success goes to the URL ``write`` returns.
_submit = partial(form_submit, template="web/picker_form.html")


# An enterprise and its operations are organisations first: the picker finds those already registered.
_ORGANISATION_HINT = gettext_lazy("单位尚未登记的，请先在“项目设置”中新增单位（类型为企业）。")


def _enterprise_url(enterprise: Enterprise) -> str:
    return reverse("web:enterprises_detail", args=[enterprise.pk])


@login_required
def enterprise_register_view(request: HttpRequest) -> HttpResponse:
    _open(request, "enterprise_register")
    form = enterprise_forms.EnterpriseRegisterForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> str:
        enterprise = enterprise_register(
            actor=Actor.of(request.user),
            organisation=data["organisation"],
            side=data["side"],
            sector=data["sector"],
            programs=list(data["programs"]),
        )
        return _enterprise_url(enterprise)

    back = reverse("web:enterprises_list")
    return _submit(request, form, _("登记企业"), write, _("企业已登记"), back=back, hint=_ORGANISATION_HINT)


@login_required
def operation_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = scoped_get_or_404(Enterprise.objects.select_related("organisation"), request.user, pk=pk)
    _open(request, "operation_record")
    form = enterprise_forms.OperationRecordForm(request.POST or None, user=request.user)

    def write(data: dict[str, Any]) -> str:
        operation_record(
            actor=Actor.of(request.user),
            enterprise=enterprise,
            organisation=data["organisation"],
            kind=data["kind"],
            area=data["area"],
            sector=data["sector"],
            start_year=data["start_year"],
            restructured_factory_name=data["restructured_factory_name"],
            description=data["description"],
        )
        return _enterprise_url(enterprise)

    title = _("登记经营实体：%(name)s") % {"name": enterprise.organisation.name_zh}
    back = _enterprise_url(enterprise)
    return _submit(request, form, title, write, _("经营实体已登记"), back=back, hint=_ORGANISATION_HINT)


@login_required
def agreement_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = scoped_get_or_404(Enterprise.objects.select_related("organisation"), request.user, pk=pk)
    _open(request, "agreement_sign")
    form = enterprise_forms.AgreementSignForm(request.POST or None, user=request.user, enterprise=enterprise)

    def write(data: dict[str, Any]) -> str:
        agreement_sign(
            actor=Actor.of(request.user),
            program=data["program"],
            enterprise=enterprise,
            title=data["title"],
            signed_on=data["signed_on"],
            agreed_investment_fen=data["agreed_investment"],
            recipient_area=data["recipient_area"],
            operation=data["operation"],
            note=data["note"],
        )
        return _enterprise_url(enterprise)

    title = _("记录合作协议：%(name)s") % {"name": enterprise.organisation.name_zh}
    return _submit(request, form, title, write, _("合作协议已记录"), back=_enterprise_url(enterprise))


@login_required
def event_participation_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = scoped_get_or_404(MarketEvent.objects.select_related("program"), request.user, pk=pk)
    _open(request, "event_participation_record")
    form = enterprise_forms.ParticipationForm(request.POST or None, user=request.user)
    event_url = reverse("web:events_detail", args=[event.pk])

    def write(data: dict[str, Any]) -> str:
        event_participation_record(
            actor=Actor.of(request.user),
            event=event,
            enterprise=data["enterprise"],
            direct_sales_fen=data["direct_sales"],
            order_value_fen=data["order_value"],
        )
        return event_url

    title = _("登记参会企业：%(title)s") % {"title": event.title}
    return _submit(request, form, title, write, _("参会企业已登记"), back=event_url)


@login_required
def job_placement_view(request: HttpRequest) -> HttpResponse:
    """A labourer placed in a job; opened from the person's page (``?person=``) or a course's (``?training=``)."""
    _open(request, "job_placement_record")
    initial: dict[str, Any] = {}
    person = _visible(scoped(Person, request.user, for_write=True), request.GET.get("person"))
    training = _visible(scoped(Training, request.user), request.GET.get("training"))
    if person is not None:
        initial["person"] = person
    if training is not None:
        initial.update(training=training, program=training.program_id)
    form = enterprise_forms.JobPlacementForm(request.POST or None, initial=initial, user=request.user)

    def write(data: dict[str, Any]) -> str:
        placement = job_placement_record(
            actor=Actor.of(request.user),
            program=data["program"],
            person=data["person"],
            employer_name=data["employer_name"],
            place=data["place"],
            start_date=data["start_date"],
            monthly_income_fen=data["monthly_income"],
            training=data["training"],
        )
        return reverse("web:people_detail", args=[placement.person_id])

    back = reverse("web:people_detail", args=[person.pk]) if person is not None else ""
    return _submit(request, form, _("记录转移就业"), write, _("转移就业已记录"), back=back)


def _visible(queryset: Any, raw: str | None) -> Any:
    """The record a link names (``?person=12``), among those the user may see; else none."""
    return queryset.filter(pk=int(raw)).first() if raw and raw.isdigit() else None
