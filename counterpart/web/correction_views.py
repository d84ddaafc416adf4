"""Actions taken from a record's own page: reversing a ledger entry, recording a household's status for
a year, updating a village's advancement component.

Each parses the form and calls one domain action; it never decides who may (the action asks the one
policy). A refusal (PermissionDenied, InvalidInput) is shown on the record's page in the user's
language; success too.
"""

from collections.abc import Callable
from typing import Any

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


def _take(
    request: HttpRequest,
    form: forms.forms.Form,
    page: tuple[str, int],
    write: Callable[[Actor, dict[str, Any]], tuple[str, int] | None],
    done: str,
) -> HttpResponse:
    """Parse the form, take the action, and say how it went on the record's ``page`` (URL name, pk), or
    on the page the action's ``write`` returns."""
    if not form.is_valid():
        messages.error(request, _form_refusal(form))
        return redirect(page[0], pk=page[1])
    try:
        landing = write(Actor.of(request.user), form.cleaned_data)
    except (InvalidInput, PermissionDenied) as refused:
        messages.error(request, _refusal(refused))
        return redirect(page[0], pk=page[1])
    messages.success(request, done)
    name, pk = landing or page
    return redirect(name, pk=pk)


@login_required
@require_POST
def ledger_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Post the mirror image of a ledger entry, dated on or after it, with the reason."""
    original = scoped_get_or_404(LedgerTransaction.objects.select_related("program"), request.user, pk=pk)

    def write(actor: Actor, data: dict[str, Any]) -> tuple[str, int]:
        reversal = ledger_reverse(actor=actor, original=original, date=data["date"], reason=data["reason"])
        return "web:funds_detail", reversal.pk  # the reversal's own page

    form = forms.ReversalForm(request.POST)
    return _take(request, form, ("web:funds_detail", original.pk), write, _("已冲销，冲销交易见本页"))


@login_required
@require_POST
def household_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a household's poverty status for a year, with the reason (a return's cause)."""
    household = scoped_get_or_404(Household.objects.select_related("village"), request.user, pk=pk)

    def write(actor: Actor, data: dict[str, Any]) -> None:
        household_status_set(
            actor=actor, household=household, year=data["year"], status=data["status"], reason=data["reason"]
        )

    form = forms.HouseholdStatusForm(request.POST)
    return _take(request, form, ("web:households_detail", household.pk), write, _("贫困状态已记录"))


@login_required
@require_POST
def village_component_view(request: HttpRequest, pk: int, component: str) -> HttpResponse:
    """The county office marks one of a village's five components planned, in progress or complete."""
    advancement = scoped_get_or_404(VillageAdvancement.objects.select_related("program"), request.user, pk=pk)
    if component not in VillageComponentKind.values:
        raise Http404

    def write(actor: Actor, data: dict[str, Any]) -> None:
        village_component_update(
            actor=actor,
            advancement=advancement,
            component=component,
            status=data["status"],
            completed_on=data["completed_on"],
            evidence=data["evidence"],
        )

    form = forms.VillageComponentForm(request.POST)
    return _take(request, form, ("web:villages_detail", advancement.pk), write, _("整村推进内容已更新"))
