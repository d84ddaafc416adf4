"""Actions taken from a record's own page: reversing a ledger entry, recording a household's status for
a year, updating a village's advancement component.

Each parses the form and calls one domain action; it never decides who may (the action asks the one
policy). A refusal (PermissionDenied, InvalidInput) is shown on the record's page in the user's
language; success too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counterpart.access.scoping import scoped_get_or_404
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_reverse
from counterpart.people.models import Household
from counterpart.people.services import household_status_set
from counterpart.projects.models import VillageAdvancement, VillageComponentKind
from counterpart.projects.villages import village_component_update

from . import forms


def _form_refusal(form: forms.forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _refusal(error: InvalidInput | PermissionDenied) -> str:
    if isinstance(error, InvalidInput):
        return error.messages[0] if error.messages else str(error)
    return str(error) or _("您的角色不能进行此操作")


@login_required
@require_POST
def ledger_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Post the mirror image of a ledger entry, dated on or after it, with the reason."""
    original = scoped_get_or_404(LedgerTransaction.objects.select_related("program"), request.user, pk=pk)
    form = forms.ReversalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_refusal(form))
        return redirect("web:funds_detail", pk=original.pk)
    try:
        reversal = ledger_reverse(
            actor=Actor.of(request.user),
            original=original,
            date=form.cleaned_data["date"],
            reason=form.cleaned_data["reason"],
        )
    except (InvalidInput, PermissionDenied) as refused:
        messages.error(request, _refusal(refused))
        return redirect("web:funds_detail", pk=original.pk)
    messages.success(request, _("已冲销，冲销交易见本页"))
    return redirect("web:funds_detail", pk=reversal.pk)


@login_required
@require_POST
def household_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a household's poverty status for a year, with the reason (a return's cause)."""
    household = scoped_get_or_404(Household.objects.select_related("village"), request.user, pk=pk)
    form = forms.HouseholdStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_refusal(form))
        return redirect("web:households_detail", pk=household.pk)
    data = form.cleaned_data
    try:
        household_status_set(
            actor=Actor.of(request.user),
            household=household,
            year=data["year"],
            status=data["status"],
            reason=data["reason"],
        )
    except (InvalidInput, PermissionDenied) as refused:
        messages.error(request, _refusal(refused))
    else:
        messages.success(request, _("贫困状态已记录"))
    return redirect("web:households_detail", pk=household.pk)


@login_required
@require_POST
def village_component_view(request: HttpRequest, pk: int, component: str) -> HttpResponse:
    """The county office marks one of a village's five components planned, in progress or complete."""
    advancement = scoped_get_or_404(VillageAdvancement.objects.select_related("program"), request.user, pk=pk)
    if component not in VillageComponentKind.values:
        raise Http404
    form = forms.VillageComponentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_refusal(form))
        return redirect("web:villages_detail", pk=advancement.pk)
    data = form.cleaned_data
    try:
        village_component_update(
            actor=Actor.of(request.user),
            advancement=advancement,
            component=component,
            status=data["status"],
            completed_on=data["completed_on"],
            evidence=data["evidence"],
        )
    except (InvalidInput, PermissionDenied) as refused:
        messages.error(request, _refusal(refused))
    else:
        messages.success(request, _("整村推进内容已更新"))
    return redirect("web:villages_detail", pk=advancement.pk)
