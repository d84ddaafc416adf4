from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from counterpart.core.admin import DomainAdmin, ReadOnlyAdmin, ReadOnlyInline
from counterpart.core.audit import Actor
from counterpart.core.money import format_yuan

from . import services
from .models import (
    CooperationAgreement,
    Enterprise,
    EnterpriseReport,
    EnterpriseReportTransition,
    EventParticipation,
    MarketEvent,
    Operation,
    Purchase,
    ReportStatus,
)


class _ReadOnlyInline(ReadOnlyInline):
    show_change_link = True


class OperationInline(_ReadOnlyInline):
    model = Operation
    fk_name = "enterprise"
    fields = ["organisation", "kind", "area", "sector", "start_year", "restructured_factory_name", "is_illustrative"]


class ReportInline(_ReadOnlyInline):
    model = EnterpriseReport
    fk_name = "enterprise"
    fields = ["year", "operation", "area", "status", "supersedes"]


@admin.register(Enterprise)
class EnterpriseAdmin(DomainAdmin):
    audit_entity = "enterprise"
    list_display = ["__str__", "side", "sector", "is_illustrative"]
    list_filter = ["side", "sector", "programs", "is_illustrative"]
    search_fields = ["organisation__name_zh", "organisation__name_en", "organisation__credit_code"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["programs"]
    inlines = [OperationInline, ReportInline]

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["organisation", "side"] if obj else []

    def create(self, actor: Actor, form: Any) -> Enterprise:
        data = form.cleaned_data
        return services.enterprise_register(
            actor=actor,
            organisation=data["organisation"],
            side=data["side"],
            programs=data["programs"],
            sector=data.get("sector", ""),
            is_illustrative=data.get("is_illustrative", False),
        )


@admin.register(Operation)
class OperationAdmin(DomainAdmin):
    audit_entity = "operation"
    list_display = ["__str__", "enterprise", "kind", "area", "sector", "start_year", "is_illustrative"]
    list_filter = ["kind", "sector", "is_illustrative"]
    search_fields = ["organisation__name_zh", "enterprise__organisation__name_zh", "restructured_factory_name"]
    autocomplete_fields = ["enterprise", "organisation", "area", "restructured_organisation"]

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["enterprise", "organisation"] if obj else []

    def create(self, actor: Actor, form: Any) -> Operation:
        data = form.cleaned_data
        return services.operation_record(
            actor=actor,
            enterprise=data["enterprise"],
            organisation=data["organisation"],
            kind=data["kind"],
            area=data["area"],
            sector=data["sector"],
            start_year=data.get("start_year"),
            restructured_factory_name=data.get("restructured_factory_name", ""),
            restructured_organisation=data.get("restructured_organisation"),
            description=data.get("description", ""),
            is_illustrative=data.get("is_illustrative", False),
        )


@admin.register(CooperationAgreement)
class CooperationAgreementAdmin(DomainAdmin):
    audit_entity = "agreement"
    list_display = ["title", "enterprise", "recipient_area", "signed_on", "agreed_investment_yuan", "is_illustrative"]
    list_filter = ["program", "is_illustrative"]
    search_fields = ["title", "enterprise__organisation__name_zh", "recipient_area__name_zh"]
    autocomplete_fields = ["enterprise", "operation", "recipient_area"]
    date_hierarchy = "signed_on"

    @admin.display(description="协议投资（元）agreed (yuan)", ordering="agreed_investment_fen")
    def agreed_investment_yuan(self, obj: CooperationAgreement) -> str:
        return format_yuan(obj.agreed_investment_fen)

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["program", "enterprise", "agreed_investment_fen", "signed_on"] if obj else []

    def create(self, actor: Actor, form: Any) -> CooperationAgreement:
        data = form.cleaned_data
        return services.agreement_sign(
            actor=actor,
            program=data["program"],
            enterprise=data["enterprise"],
            operation=data.get("operation"),
            title=data["title"],
            signed_on=data["signed_on"],
            agreed_investment_fen=data["agreed_investment_fen"],
            recipient_area=data["recipient_area"],
            note=data.get("note", ""),
            is_illustrative=data.get("is_illustrative", False),
        )


class ReportTransitionInline(ReadOnlyInline):
    model = EnterpriseReportTransition
    fields = ["at", "from_status", "to_status", "actor_label", "reason"]
    readonly_fields = ["at", "from_status", "to_status", "actor_label", "reason"]


def _report_action(step: Callable[..., Any], name: str, label: str) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[EnterpriseReport]) -> None:
        actor = Actor.of(request.user)
        moved, refused = 0, []
        for report in queryset:
            try:
                step(actor=actor, report=report)
                moved += 1
            except ValidationError as error:
                refused.append(f"{report}: {'; '.join(error.messages)}")
        if moved:
            modeladmin.message_user(request, f"{moved} → {label}", messages.SUCCESS)
        for message in refused:
            modeladmin.message_user(request, message, messages.ERROR)

    action.__name__ = name
    return admin.action(description=label)(action)


def _return_for_checking(actor: Actor, report: EnterpriseReport) -> EnterpriseReport:
    return services.enterprise_report_return(
        actor=actor, report=report, reason="请核对数据后重新提交 please check and resubmit"
    )


REPORT_FIGURE_FIELDS = [f for f in services.ReportFigures.__dataclass_fields__]


@admin.register(EnterpriseReport)
class EnterpriseReportAdmin(DomainAdmin):
    """Reports are drafted and corrected here; status moves only by the actions (submit, confirm, return)."""

    audit_entity = "enterprise_report"
    list_display = ["__str__", "enterprise", "operation", "area", "year", "status", "is_illustrative"]
    list_filter = ["program", "year", "status", "is_illustrative"]
    search_fields = ["enterprise__organisation__name_zh", "operation__organisation__name_zh", "citation"]
    autocomplete_fields = ["enterprise", "operation", "area"]
    inlines = [ReportTransitionInline]
    actions = [
        _report_action(services.enterprise_report_submit, "report_submit", "提交 submit"),
        _report_action(services.enterprise_report_confirm, "report_confirm", "确认 confirm"),
        _report_action(_return_for_checking, "report_return", "退回 return for checking"),
    ]

    # A draft's or a returned report's figures are corrected by ``enterprise_report_update``, which
    # takes the figures and nothing else: every other field is read-only once drafted.
    update_action = staticmethod(services.enterprise_report_update)
    update_fields = tuple(REPORT_FIGURE_FIELDS)

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        fixed = ["status", "supersedes", "created_at"]
        if obj is None:
            return fixed
        scope = ["program", "enterprise", "operation", "area", "year"]
        if obj.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            return fixed + scope
        # Submitted and confirmed reports are fixed: a correction is a new report.
        return [f.name for f in EnterpriseReport._meta.fields]

    @staticmethod
    def _figures(data: dict[str, Any]) -> services.ReportFigures:
        values: dict[str, Any] = {name: data.get(name) for name in REPORT_FIGURE_FIELDS if name in data}
        for text in ("capacity_unit", "certifications"):
            values[text] = values.get(text) or ""
        values["qualifiers"] = values.get("qualifiers") or {}
        return services.ReportFigures(**values)

    def create(self, actor: Actor, form: Any) -> EnterpriseReport:
        data = form.cleaned_data
        return services.enterprise_report_draft(
            actor=actor,
            program=data["program"],
            enterprise=data["enterprise"],
            year=data["year"],
            operation=data.get("operation"),
            area=data.get("area"),
            figures=self._figures(data),
            citation=data.get("citation", ""),
            note=data.get("note", ""),
            is_illustrative=data.get("is_illustrative", False),
        )

    def update_from_form(self, request: HttpRequest, form: Any) -> Any:
        report = EnterpriseReport.objects.get(pk=form.instance.pk)
        if not any(name in self.update_fields for name in form.changed_data):
            return report
        figures = self._figures(form.cleaned_data)  # the report's figures as a whole: the action replaces them
        return services.enterprise_report_update(actor=Actor.of(request.user), report=report, figures=figures)


@admin.register(EnterpriseReportTransition)
class EnterpriseReportTransitionAdmin(ReadOnlyAdmin):
    """The review history, read-only."""

    list_display = ["report", "from_status", "to_status", "at", "actor_label", "reason"]
    list_filter = ["to_status"]
    search_fields = ["report__enterprise__organisation__name_zh", "actor_label", "reason"]
    date_hierarchy = "at"


class ParticipationInline(_ReadOnlyInline):
    model = EventParticipation
    fields = ["enterprise", "direct_sales_fen", "order_value_fen", "is_illustrative"]


@admin.register(MarketEvent)
class MarketEventAdmin(DomainAdmin):
    audit_entity = "market_event"
    update_action = staticmethod(services.market_event_update)
    update_fields = services.MARKET_EVENT_EDITABLE_FIELDS
    list_display = ["title", "kind", "place", "start_date", "end_date", "participating_enterprises_count"]
    list_filter = ["program", "kind", "is_illustrative"]
    search_fields = ["title", "place", "citation"]
    autocomplete_fields = ["area"]
    date_hierarchy = "start_date"
    inlines = [ParticipationInline]
    exclude = ["participants"]

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        money = ["participating_enterprises_count", "direct_sales_fen", "order_value_fen", "qualifiers"]
        return ["program", "start_date", "end_date", *money] if obj else []

    def create(self, actor: Actor, form: Any) -> MarketEvent:
        data = form.cleaned_data
        return services.market_event_record(
            actor=actor,
            program=data["program"],
            kind=data["kind"],
            title=data["title"],
            place=data["place"],
            area=data["area"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            participating_enterprises_count=data.get("participating_enterprises_count"),
            direct_sales_fen=data.get("direct_sales_fen"),
            order_value_fen=data.get("order_value_fen"),
            qualifiers=data.get("qualifiers") or {},
            export_destinations=data.get("export_destinations") or [],
            export_port=data.get("export_port", ""),
            citation=data.get("citation", ""),
            note=data.get("note", ""),
            is_illustrative=data.get("is_illustrative", False),
        )


@admin.register(EventParticipation)
class EventParticipationAdmin(DomainAdmin):
    """Recorded through ``event_participation_record``, then read-only: no update action takes a change."""

    audit_entity = "event_participation"
    list_display = ["enterprise", "event", "direct_sales_fen", "order_value_fen", "is_illustrative"]
    list_filter = ["is_illustrative"]
    search_fields = ["enterprise__organisation__name_zh", "event__title"]
    autocomplete_fields = ["enterprise"]

    def create(self, actor: Actor, form: Any) -> EventParticipation:
        data = form.cleaned_data
        return services.event_participation_record(
            actor=actor,
            event=data["event"],
            enterprise=data["enterprise"],
            direct_sales_fen=data.get("direct_sales_fen"),
            order_value_fen=data.get("order_value_fen"),
            is_illustrative=data.get("is_illustrative", False),
        )


@admin.register(Purchase)
class PurchaseAdmin(DomainAdmin):
    audit_entity = "purchase"
    list_display = ["purchased_on", "buyer", "buyer_kind", "seller", "product", "amount_yuan", "is_illustrative"]
    list_filter = ["program", "buyer_kind", "is_illustrative"]
    search_fields = ["product", "buyer__name_zh", "seller__organisation__name_zh"]
    autocomplete_fields = ["buyer", "seller", "event"]
    date_hierarchy = "purchased_on"

    @admin.display(description="金额（元）amount (yuan)", ordering="amount_fen")
    def amount_yuan(self, obj: Purchase) -> str:
        return format_yuan(obj.amount_fen)

    def own_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return ["program", "buyer", "seller", "amount_fen", "purchased_on"] if obj else []

    def create(self, actor: Actor, form: Any) -> Purchase:
        data = form.cleaned_data
        return services.purchase_record(
            actor=actor,
            program=data["program"],
            buyer=data["buyer"],
            buyer_kind=data["buyer_kind"],
            seller=data["seller"],
            event=data.get("event"),
            product=data["product"],
            purchased_on=data["purchased_on"],
            amount_fen=data["amount_fen"],
            quantity=data.get("quantity"),
            unit=data.get("unit", ""),
            is_illustrative=data.get("is_illustrative", False),
        )
