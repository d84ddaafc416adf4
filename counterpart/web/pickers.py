"""Search pickers (django-autocomplete-light) for the forms of enterprise set-up, market events, job
placements and a project's beneficiaries: areas, enterprise organisations, enterprises, persons,
households and courses, chosen by name.

Each answers only what the user may see (``scoped``), and nothing to a user without a role; what the
user may write where they chose is the action's question, asked when the form is sent.
"""

from typing import Any

from dal import autocomplete
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.utils.decorators import method_decorator
from django.utils.html import format_html

from counterpart.access.scoping import access_scope, scoped
from counterpart.enterprise.models import Enterprise
from counterpart.people.models import Household, Person, Training
from counterpart.registry.models import Area, Organisation, OrganisationKind

from .forms import household_label

PAGE = 20


def _has_role(user: Any) -> bool:
    return bool(user.is_authenticated) and not access_scope(user).is_empty


class _Picker(autocomplete.Select2QuerySetView):
    paginate_by = PAGE

    def term(self) -> str:
        return (self.q or "").strip()


@method_decorator(login_required, name="dispatch")
class PlacePicker(_Picker):
    """Areas (reference data, public) by part of their name or by code, for any user with a role."""

    def get_queryset(self) -> QuerySet[Area]:
        term = self.term()
        if not term or not _has_role(self.request.user):
            return Area.objects.none()
        queryset = Area.objects.select_related("parent").order_by("code")
        if term.isdigit():
            return queryset.filter(code__startswith=term)
        return queryset.filter(Q(name_zh__contains=term) | Q(name_en__icontains=term))

    def get_result_label(self, result: Area) -> str:
        parent = result.parent.name_zh if result.parent is not None else ""
        return format_html('{} <small class="code">{} {}</small>', result.name_zh, parent, result.code)

    def get_selected_result_label(self, result: Area) -> str:
        return format_html('{} <small class="code">{}</small>', result.name_zh, result.code)


@method_decorator(login_required, name="dispatch")
class EnterpriseOrganisationPicker(_Picker):
    """Organisations of kind enterprise (reference data) by name, with the place they are in."""

    def get_queryset(self) -> QuerySet[Organisation]:
        term = self.term()
        if not term or not _has_role(self.request.user):
            return Organisation.objects.none()
        return (
            Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
            .filter(Q(name_zh__contains=term) | Q(name_en__icontains=term))
            .select_related("area")
            .order_by("name_zh")
        )

    def get_result_label(self, result: Organisation) -> str:
        return format_html('{} <small class="code">{}</small>', result.name_zh, result.area.name_zh)


@method_decorator(login_required, name="dispatch")
class EnterprisePicker(_Picker):
    """The enterprises the user may see, by name; ``side`` forwarded narrows them to one side."""

    def get_queryset(self) -> QuerySet[Enterprise]:
        term = self.term()
        if not term:
            return Enterprise.objects.none()
        queryset = scoped(Enterprise.objects.select_related("organisation__area"), self.request.user)
        side = self.forwarded.get("side")
        if side:
            queryset = queryset.filter(side=side)
        return queryset.filter(organisation__name_zh__contains=term).order_by("organisation__name_zh")

    def get_result_label(self, result: Enterprise) -> str:
        organisation = result.organisation
        return format_html('{} <small class="code">{}</small>', organisation.name_zh, organisation.area.name_zh)


@method_decorator(login_required, name="dispatch")
class PersonPicker(_Picker):
    """The persons the user may write for, by the start of their name (or their number in the register),
    shown with the masked identity number and their area: never a clear number."""

    def get_queryset(self) -> QuerySet[Person]:
        term = self.term()
        if not term:
            return Person.objects.none()
        queryset = scoped(Person.objects.select_related("area"), self.request.user, for_write=True)
        if term.isdigit():
            return queryset.filter(pk=int(term))
        return queryset.filter(name__startswith=term).order_by("name", "pk")

    def get_result_label(self, result: Person) -> str:
        return format_html('{} <small class="code">{} {}</small>', str(result), result.area.name_zh, result.area_id)


@method_decorator(login_required, name="dispatch")
class HouseholdPicker(_Picker):
    """The households the user may write for, by the start of their head's name or of their number,
    shown with the head's masked identity number, the number small and the village: never a clear number."""

    def get_queryset(self) -> QuerySet[Household]:
        term = self.term()
        if not term:
            return Household.objects.none()
        queryset = scoped(Household.objects.all(), self.request.user, for_write=True)
        found = queryset.filter(Q(head__name__startswith=term) | Q(number__istartswith=term))
        return found.select_related("head", "village__parent").order_by("head__name", "number")

    def get_result_label(self, result: Household) -> str:
        return household_label(result, html=True)

    def get_selected_result_label(self, result: Household) -> str:
        return household_label(result)


@method_decorator(login_required, name="dispatch")
class TrainingPicker(_Picker):
    """The courses the user may see, by part of their title, with their dates."""

    def get_queryset(self) -> QuerySet[Training]:
        term = self.term()
        if not term:
            return Training.objects.none()
        queryset = scoped(Training.objects.all(), self.request.user)
        return queryset.filter(title__contains=term).order_by("-start_date", "pk")

    def get_result_label(self, result: Training) -> str:
        return format_html('{} <small class="code">{}</small>', result.title, result.start_date.isoformat())
