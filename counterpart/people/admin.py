"""Admin for people. Identity numbers appear only masked; a new number is typed once into a field
that is never echoed back, and goes through ``person_register`` like every other edge."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from counterpart.core.admin import DomainAdmin, ReadOnlyAdmin, ReadOnlyInline
from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.core.money import format_yuan

from . import services
from .identity import identity_parse
from .models import (
    Benefit,
    Household,
    HouseholdStatus,
    JobPlacement,
    Person,
    Secondment,
    StudentAid,
    Training,
    TrainingParticipant,
)
from .selectors import person_identity_registered


class ServiceWrittenAdmin(ReadOnlyAdmin):
    """Records written only by services (benefits, placements, student aid with its ledger entry)."""

    show_full_result_count = False  # no COUNT(*) over tens of millions of rows on every page


class MemberInline(ReadOnlyInline):
    model = Person
    fields = ["name", "relation", "sex", "identity_masked", "is_illustrative"]
    readonly_fields = ["name", "relation", "sex", "identity_masked", "is_illustrative"]
    show_change_link = True

    @admin.display(description="身份证号码 identity number")
    def identity_masked(self, obj: Person) -> str:
        return obj.identity_masked


class HouseholdStatusInline(ReadOnlyInline):
    model = HouseholdStatus
    fields = ["year", "status"]
    readonly_fields = ["year", "status"]


@admin.register(Household)
class HouseholdAdmin(DomainAdmin):
    audit_entity = "household"
    update_action = staticmethod(services.household_update)
    update_fields = services.HOUSEHOLD_EDITABLE_FIELDS
    list_display = ["number", "village", "head", "poverty_cause", "helper_name", "is_illustrative"]
    list_filter = ["poverty_cause", "is_illustrative"]
    search_fields = ["number", "village__name_zh", "village__code", "helper_name"]
    autocomplete_fields = ["village", "helper_organisation"]
    readonly_fields = ["county_code", "head"]
    inlines = [MemberInline, HouseholdStatusInline]
    show_full_result_count = False

    class Form(forms.ModelForm):
        year = forms.IntegerField(label="建档年份 year registered", min_value=1980, max_value=2100)

        class Meta:
            model = Household
            fields = ["number", "village", "poverty_cause", "helper_name", "helper_organisation", "is_illustrative"]

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = self.Form
        return super().get_form(request, obj, change=change, **kwargs)

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["number", "village", "county_code", "head"] if obj else []

    def create(self, actor: Actor, form: Any) -> Household:
        data = form.cleaned_data
        return services.household_register(
            actor=actor,
            number=data["number"],
            village=data["village"],
            poverty_cause=data["poverty_cause"],
            year=data["year"],
            helper_name=data.get("helper_name", ""),
            helper_organisation=data.get("helper_organisation"),
            is_illustrative=data.get("is_illustrative", False),
        )


class PersonAddForm(forms.ModelForm):
    # Typed once, never rendered back (not even after a validation error), never in a URL.
    identity_number = forms.CharField(
        label="身份证号码 identity number",
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Person
        fields = ["name", "sex", "area", "household", "relation", "birth_date", "is_illustrative"]

    def clean_identity_number(self) -> str:
        # Checked here too so the admin shows the error on the field; the service checks again.
        raw = self.cleaned_data.get("identity_number") or ""
        if raw:
            try:
                parsed = identity_parse(raw)
            except InvalidInput as error:
                raise forms.ValidationError(error.messages) from None
            if person_identity_registered(parsed.number):
                message = _("该身份证号码已登记，不能重复登记")
                raise forms.ValidationError(f"{message} (“identity_number” = {parsed.masked!r})")
        return raw


@admin.register(Person)
class PersonAdmin(DomainAdmin):
    audit_entity = "person"
    update_action = staticmethod(services.person_update)
    update_fields = services.PERSON_EDITABLE_FIELDS
    list_display = ["name", "sex", "birth_year", "identity_masked", "county_code", "household", "is_illustrative"]
    list_filter = ["sex", "relation", "is_illustrative"]
    search_fields = ["name", "household__number", "=county_code"]
    autocomplete_fields = ["area", "household"]
    list_select_related = ["household"]
    show_full_result_count = False
    # The mask keeps the area code and check character; the birth date is shown as its year only
    # (docs/security.md): with the full date and the sex, the mask would leave about 45 candidates.
    readonly_fields = ["identity_masked", "identity_key_id", "county_code"]

    @admin.display(description="身份证号码 identity number")
    def identity_masked(self, obj: Person) -> str:
        return obj.identity_masked

    @admin.display(description="出生年份 birth year")
    def birth_year(self, obj: Person) -> str:
        return str(obj.birth_date.year) if obj.birth_date else ""

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = PersonAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        if obj is None:
            return [*PersonAddForm.Meta.fields, "identity_number"]
        return [
            *["name", "sex", "birth_year", "identity_masked", "area", "county_code", "household", "relation"],
            *["identity_key_id", "is_illustrative"],
        ]

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [*self.readonly_fields, "birth_year", "area", "household", "relation", "sex"]

    def create(self, actor: Actor, form: Any) -> Person:
        data = form.cleaned_data
        return services.person_register(
            actor=actor,
            row=services.PersonRow(
                name=data["name"],
                sex=data["sex"],
                area=data["area"],
                birth_date=data.get("birth_date"),
                identity_number=data.get("identity_number") or None,
                household=data.get("household"),
                relation=data["relation"],
                is_illustrative=data.get("is_illustrative", False),
            ),
        )


@admin.register(Benefit)
class BenefitAdmin(ServiceWrittenAdmin):
    list_display = ["kind", "date", "person", "county_code", "project", "training", "program", "is_illustrative"]
    list_filter = ["kind", "year", "program", "is_illustrative"]
    search_fields = ["=county_code", "=area_code", "project__code"]
    raw_id_fields = ["person", "household", "project", "training", "student_aid", "job_placement"]
    list_select_related = ["person", "project", "training", "program"]


class ParticipantInline(ReadOnlyInline):
    model = TrainingParticipant
    fields = ["person"]
    readonly_fields = ["person"]


@admin.register(Training)
class TrainingAdmin(DomainAdmin):
    audit_entity = "training"
    update_action = staticmethod(services.training_update)
    update_fields = services.TRAINING_EDITABLE_FIELDS
    list_display = ["title", "kind", "place", "start_date", "end_date", "reported_participants", "is_illustrative"]
    list_filter = ["kind", "year", "program", "is_illustrative"]
    search_fields = ["title", "organiser_name", "place__name_zh"]
    autocomplete_fields = ["place", "organiser", "pairing", "project"]
    readonly_fields = ["year"]
    inlines = [ParticipantInline]

    def create(self, actor: Actor, form: Any) -> Training:
        data = form.cleaned_data
        return services.training_create(
            actor=actor,
            program=data["program"],
            kind=data["kind"],
            title=data["title"],
            place=data["place"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            organiser=data.get("organiser"),
            organiser_name=data.get("organiser_name", ""),
            pairing=data.get("pairing"),
            project=data.get("project"),
            reported_participants=data.get("reported_participants"),
            reported_placed=data.get("reported_placed"),
            is_illustrative=data.get("is_illustrative", False),
        )


@admin.register(JobPlacement)
class JobPlacementAdmin(ServiceWrittenAdmin):
    list_display = ["person", "employer_name", "place", "start_date", "monthly_income", "is_illustrative"]
    list_filter = ["year", "program", "is_illustrative"]
    search_fields = ["employer_name", "place__name_zh"]
    raw_id_fields = ["person", "training"]

    @admin.display(description="月收入（元）monthly income (yuan)")
    def monthly_income(self, obj: JobPlacement) -> str:
        return format_yuan(obj.monthly_income_fen)


@admin.register(StudentAid)
class StudentAidAdmin(ServiceWrittenAdmin):
    list_display = ["student", "school_name", "year", "amount", "ledger_transaction", "is_illustrative"]
    list_filter = ["year", "program", "is_illustrative"]
    search_fields = ["school_name", "=county_code"]
    raw_id_fields = ["student", "ledger_transaction"]

    @admin.display(description="金额（元）amount (yuan)")
    def amount(self, obj: StudentAid) -> str:
        return format_yuan(obj.amount_fen)


@admin.register(Secondment)
class SecondmentAdmin(DomainAdmin):
    audit_entity = "secondment"
    list_display = ["person_name", "kind", "direction", "from_area", "to_area", "start_date", "end_date"]
    list_filter = ["kind", "direction", "program", "is_illustrative"]
    search_fields = ["person_name", "position", "to_area__name_zh"]
    autocomplete_fields = ["from_area", "to_area", "from_organisation", "to_organisation", "pairing"]
    raw_id_fields = ["person"]

    def create(self, actor: Actor, form: Any) -> Secondment:
        data = form.cleaned_data
        return services.secondment_record(
            actor=actor,
            program=data["program"],
            kind=data["kind"],
            direction=data["direction"],
            person_name=data["person_name"],
            from_area=data["from_area"],
            to_area=data["to_area"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            position=data.get("position", ""),
            person=data.get("person"),
            from_organisation=data.get("from_organisation"),
            to_organisation=data.get("to_organisation"),
            pairing=data.get("pairing"),
            is_illustrative=data.get("is_illustrative", False),
        )
