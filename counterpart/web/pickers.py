"""Search pickers (django-autocomplete-light) for the forms of enterprise set-up, market events and job
placements: areas, enterprise organisations, enterprises, persons and courses, chosen by name.

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
from counterpart.core.language import pick
from counterpart.core.numbers import yuan_text
from counterpart.enterprise.models import Enterprise
from counterpart.funds.models import LedgerTransaction, TransactionKind
from counterpart.people.models import Person, Training
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Organisation, OrganisationKind, Pairing, Program

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


def _scope_prefixes(user: Any) -> set[str] | None:
    """The codes whose areas (and all below them) a user's lists can hold: their programs' donor and
    recipient areas, their own areas; None for everything (auditors, enterprises: their records may lie
    anywhere, and areas are public reference data)."""
    scope = access_scope(user)
    if scope.everything or scope.organisations:
        return None
    prefixes = set(scope.donor_areas) | set(scope.recipient_areas)
    if scope.programs:
        prefixes |= set(Program.objects.filter(pk__in=scope.programs).values_list("donor_area_id", flat=True))
        for donor, recipient in Pairing.objects.filter(program_id__in=scope.programs).values_list(
            "donor_area_id", "recipient_area_id"
        ):
            prefixes |= {donor, recipient}
    # A county under a prefecture already kept adds nothing to the condition.
    kept: set[str] = set()
    for code in sorted(prefixes, key=len):
        if not any(code.startswith(shorter) for shorter in kept):
            kept.add(code)
    return kept


@method_decorator(login_required, name="dispatch")
class ScopeAreaPicker(_Picker):
    """The areas of the user's scope by part of their name or by code — the area filter of the lists,
    whose value is the area's code (a prefix of the codes below it), and the place of a record a form
    writes (``levels`` forwarded narrows them: ``county,township,village``)."""

    def get_queryset(self) -> QuerySet[Area]:
        term = self.term()
        if not term or not _has_role(self.request.user):
            return Area.objects.none()
        queryset = Area.objects.select_related("parent").order_by("code")
        levels = [level for level in (self.forwarded.get("levels") or "").split(",") if level]
        if levels:
            queryset = queryset.filter(level__in=levels)
        prefixes = _scope_prefixes(self.request.user)
        if prefixes is not None:
            within = Q(pk__in=[])
            for prefix in prefixes:
                within |= Q(code__startswith=prefix)
            queryset = queryset.filter(within)
        if term.isdigit():
            return queryset.filter(code__startswith=term)
        return queryset.filter(Q(name_zh__contains=term) | Q(name_en__icontains=term))

    def get_result_label(self, result: Area) -> str:
        name = pick(result.name_zh, result.name_en)
        parent = result.parent
        parent_name = "" if parent is None else pick(parent.name_zh, parent.name_en)
        return format_html('{} <small class="code">{} {}</small>', name, parent_name, result.code)

    def get_selected_result_label(self, result: Area) -> str:
        name = pick(result.name_zh, result.name_en)
        return format_html('{} <small class="code">{}</small>', name, result.code)


def _forwarded_pk(picker: _Picker, name: str) -> int | None:
    value = str(picker.forwarded.get(name) or "")
    return int(value) if value.isdigit() else None


@method_decorator(login_required, name="dispatch")
class ProjectPicker(_Picker):
    """The projects the user sees, by part of their code or title; ``program`` forwarded (the form's
    program field) narrows them to that program's."""

    def get_queryset(self) -> QuerySet[Project]:
        term = self.term()
        if not term:
            return Project.objects.none()
        queryset = scoped(Project.objects.select_related("recipient_area"), self.request.user)
        program = _forwarded_pk(self, "program")
        if program is not None:
            queryset = queryset.filter(program_id=program)
        return queryset.filter(
            Q(code__icontains=term) | Q(title_zh__contains=term) | Q(title_en__icontains=term)
        ).order_by("-year", "code")

    def get_result_label(self, result: Project) -> str:
        title = pick(result.title_zh, result.title_en)
        return format_html('{} <small class="code">{} {}</small>', title, result.code, result.year)


@method_decorator(login_required, name="dispatch")
class CommitmentPicker(_Picker):
    """The commitments of the forwarded program the user sees, by part of their summary or reference
    (or their number in the ledger), shown with date, source and amount as the ledger lists them."""

    def get_queryset(self) -> QuerySet[LedgerTransaction]:
        term = self.term()
        program = _forwarded_pk(self, "program")
        if not term or program is None:
            return LedgerTransaction.objects.none()
        queryset = scoped(LedgerTransaction, self.request.user).filter(
            program_id=program, kind=TransactionKind.COMMITMENT, reverses__isnull=True, reversed_by__isnull=True
        )
        words = Q(description__contains=term) | Q(external_ref__icontains=term)
        if term.isdigit():
            words |= Q(pk=int(term))
        return queryset.filter(words).prefetch_related("postings").order_by("-date", "-pk")

    def get_result_label(self, result: LedgerTransaction) -> str:
        return format_html(
            '{} <small class="code">{} · {} · {}</small>',
            result.description or result.get_source_display(),
            result.date.isoformat(),
            result.get_source_display(),
            yuan_text(sum(p.amount_fen for p in result.postings.all() if p.amount_fen > 0)),
        )


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
