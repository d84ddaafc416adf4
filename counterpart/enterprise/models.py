"""Enterprise cooperation and consumption assistance (market development).

Donor-side companies invest in the recipient region (subsidiaries, restructured factories, parks)
and report what they achieve each year; recipient-side enterprises sell in the donor city at fairs
and to donor-side buyers. Enterprises report their own figures: only a report the program office
has *confirmed* counts in the program's figures.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import pgettext_lazy

from counterpart.core.workflow import Workflow
from counterpart.registry.models import Area, Organisation, Program


class Side(models.TextChoices):
    DONOR = "donor", pgettext_lazy("choice", "帮扶方")
    RECIPIENT = "recipient", pgettext_lazy("choice", "受援方")


class Sector(models.TextChoices):
    HOUSEHOLD_APPLIANCES = "household_appliances", pgettext_lazy("choice", "家电")
    ELECTRONICS = "electronics", pgettext_lazy("choice", "电子")
    CHEMICALS = "chemicals", pgettext_lazy("choice", "化工")
    MINING = "mining", pgettext_lazy("choice", "采矿")
    METALLURGY = "metallurgy", pgettext_lazy("choice", "冶金")
    ENERGY = "energy", pgettext_lazy("choice", "能源")
    MANUFACTURING = "manufacturing", pgettext_lazy("choice", "制造业")
    AGRICULTURE = "agriculture", pgettext_lazy("choice", "农业")
    FISHERY = "fishery", pgettext_lazy("choice", "渔业")
    FOOD_PROCESSING = "food_processing", pgettext_lazy("choice", "食品加工")
    PHARMACEUTICALS = "pharmaceuticals", pgettext_lazy("choice", "医药")
    TEXTILES = "textiles", pgettext_lazy("choice", "纺织")
    TOURISM = "tourism", pgettext_lazy("choice", "旅游")
    SERVICES = "services", pgettext_lazy("choice", "服务业")
    OTHER = "other", pgettext_lazy("choice", "其他")


class Enterprise(models.Model):
    """An organisation of kind ``enterprise`` acting in pairing programs, on one side.

    Name and area stay on the Organisation; this profile adds what the programs need.
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="enterprise_profile")
    side = models.CharField(max_length=12, choices=Side.choices, db_index=True)
    sector = models.CharField(max_length=30, choices=Sector.choices, blank=True)
    programs = models.ManyToManyField(Program, related_name="enterprises")
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["organisation__name_zh"]
        verbose_name = "企业 enterprise"
        verbose_name_plural = "企业 enterprises"

    def __str__(self) -> str:
        return self.organisation.name_zh


class OperationKind(models.TextChoices):
    SUBSIDIARY = "subsidiary", pgettext_lazy("choice", "子公司")
    RESTRUCTURED_FACTORY = "restructured_factory", pgettext_lazy("choice", "重组工厂")
    INDUSTRIAL_PARK = "industrial_park", pgettext_lazy("choice", "产业园")
    PRODUCTION_BASE = "production_base", pgettext_lazy("choice", "生产基地")
    OTHER = "other", pgettext_lazy("choice", "其他")


class Operation(models.Model):
    """What a donor-side enterprise runs in the recipient region: a subsidiary, a factory, a park."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="operations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="enterprise_operations")
    kind = models.CharField(max_length=30, choices=OperationKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="enterprise_operations")
    sector = models.CharField(max_length=30, choices=Sector.choices)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    restructured_factory_name = models.CharField(
        max_length=200, blank=True, help_text="被重组的原工厂 the factory this operation restructured"
    )
    restructured_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="restructured_into"
    )
    description = models.TextField(blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["enterprise_id", "area_id", "id"]
        verbose_name = "企业在受援地经营 operation"
        verbose_name_plural = "企业在受援地经营 operations"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "organisation"], name="operation_unique_per_enterprise"),
        ]

    def __str__(self) -> str:
        return self.organisation.name_zh


class CooperationAgreement(models.Model):
    """A signed cooperation project between a donor-side enterprise and the recipient side."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cooperation_agreements")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="agreements")
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements")
    recipient_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    signed_on = models.DateField()
    agreed_investment_fen = models.BigIntegerField(help_text="协议投资额（分）agreed investment in fen")
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["program_id", "signed_on", "id"]
        verbose_name = "合作协议 cooperation agreement"
        verbose_name_plural = "合作协议 cooperation agreements"
        constraints = [
            models.CheckConstraint(condition=Q(agreed_investment_fen__gte=0), name="agreement_investment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.signed_on.isoformat()})"


class Aggregation(models.TextChoices):
    """How an indicator combines over years: flows add, stocks take the value at the end."""

    FLOW = "sum", pgettext_lazy("choice", "流量：逐年相加")
    STOCK = "latest", pgettext_lazy("choice", "存量：取期末值")


@dataclass(frozen=True)
class IndicatorRule:
    field: str  # the EnterpriseReport field holding it; "" for market figures
    unit: str
    aggregation: Aggregation
    # An average (staff income) cannot be added across enterprises: shown only for one scope.
    additive: bool = True


# THE aggregation rule of every enterprise and market indicator, used by every selector.
# Stocks take, per reporting scope (enterprise and operation), the latest year within the range
# that has a value; those are then added across scopes. Flows add every confirmed value.
# annual_output is a stock here: it is published as the level a business has reached ("grown into
# enterprises with an annual output of more than 1 billion yuan"), like capacity, and
# docs/indicators.md classifies it "latest"; adding 2009's and 2010's annual output would give a
# two-year production total that no office publishes.
INDICATOR_RULES: dict[str, IndicatorRule] = {
    "actual_investment": IndicatorRule("actual_investment_fen", "yuan", Aggregation.FLOW),
    "taxes_paid": IndicatorRule("taxes_paid_fen", "yuan", Aggregation.FLOW),
    "jobs_created": IndicatorRule("jobs_created", "persons", Aggregation.FLOW),
    "people_helped_into_jobs": IndicatorRule("people_helped_into_jobs", "persons", Aggregation.FLOW),
    "enterprise_assets": IndicatorRule("total_assets_fen", "yuan", Aggregation.STOCK),
    "annual_output": IndicatorRule("annual_output_fen", "yuan", Aggregation.STOCK),
    "production_capacity": IndicatorRule("capacity_quantity", "units per year", Aggregation.STOCK),
    "matching_enterprises": IndicatorRule("matching_enterprises", "count", Aggregation.STOCK),
    "employees": IndicatorRule("employees", "persons", Aggregation.STOCK),
    "employees_from_poor_households": IndicatorRule("employees_from_poor_households", "persons", Aggregation.STOCK),
    "average_staff_income": IndicatorRule("average_staff_income_fen", "yuan", Aggregation.STOCK, additive=False),
    "direct_sales": IndicatorRule("", "yuan", Aggregation.FLOW),
    "order_value": IndicatorRule("", "yuan", Aggregation.FLOW),
    "participating_enterprises": IndicatorRule("", "count", Aggregation.FLOW),
}
REPORT_INDICATORS: dict[str, IndicatorRule] = {key: rule for key, rule in INDICATOR_RULES.items() if rule.field}
MONEY_INDICATORS = frozenset(key for key, rule in INDICATOR_RULES.items() if rule.unit == "yuan")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("choice", "草稿")
    SUBMITTED = "submitted", pgettext_lazy("choice", "已提交")
    CONFIRMED = "confirmed", pgettext_lazy("choice", "已确认")
    RETURNED = "returned", pgettext_lazy("choice", "已退回")
    SUPERSEDED = "superseded", pgettext_lazy("choice", "已被更正")


OPEN_STATUSES = (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED)

ALLOWED_REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.DRAFT: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.SUBMITTED: frozenset({ReportStatus.CONFIRMED, ReportStatus.RETURNED}),
    ReportStatus.RETURNED: frozenset({ReportStatus.SUBMITTED}),
    ReportStatus.CONFIRMED: frozenset({ReportStatus.SUPERSEDED}),
    ReportStatus.SUPERSEDED: frozenset(),
}
REPORT_WORKFLOW = Workflow(ALLOWED_REPORT_TRANSITIONS, lambda status: str(ReportStatus(status).label))


class EnterpriseReport(models.Model):
    """An enterprise's own figures for one year, for one operation or for its whole presence.

    ``operation`` empty means the report covers everything the enterprise does in the recipient
    province (``area``). Status moves draft → submitted → confirmed (or returned with a reason and
    submitted again) only through the services. A confirmed report is never edited: a correction
    is a new report that, once confirmed, supersedes it; both stay. Each figure may carry the
    qualifier it was published with (``qualifiers``: indicator key → Qualifier).
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enterprise_reports")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="reports")
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", help_text="报告覆盖的地区 area covered")
    year = models.PositiveSmallIntegerField(db_index=True)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # flows (a year's amount)
    actual_investment_fen = models.BigIntegerField(null=True, blank=True)
    taxes_paid_fen = models.BigIntegerField(null=True, blank=True)
    jobs_created = models.PositiveIntegerField(null=True, blank=True)
    people_helped_into_jobs = models.PositiveIntegerField(null=True, blank=True)
    # stocks and levels (the value at the end of the year)
    total_assets_fen = models.BigIntegerField(null=True, blank=True)
    annual_output_fen = models.BigIntegerField(null=True, blank=True)
    capacity_quantity = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    capacity_unit = models.CharField(max_length=40, blank=True, help_text="产品单位（每年）product unit per year")
    employees = models.PositiveIntegerField(null=True, blank=True)
    employees_from_poor_households = models.PositiveIntegerField(null=True, blank=True)
    average_staff_income_fen = models.BigIntegerField(null=True, blank=True)
    matching_enterprises = models.PositiveIntegerField(null=True, blank=True)
    certifications = models.CharField(max_length=300, blank=True, help_text="认证，逗号分隔 e.g. ISO14001")
    qualifiers = models.JSONField(default=dict, blank=True)
    citation = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id", "year", "enterprise_id", "id"]
        verbose_name = "企业年度报告 enterprise report"
        verbose_name_plural = "企业年度报告 enterprise reports"
        constraints = [
            # At most one confirmed and one open (being corrected) report per scope and year.
            models.UniqueConstraint(
                fields=["enterprise", "operation", "year"],
                condition=Q(status="confirmed", operation__isnull=False),
                name="enterprise_report_one_confirmed_per_operation",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                condition=Q(status="confirmed", operation__isnull=True),
                name="enterprise_report_one_confirmed_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "operation", "year"],
                condition=Q(status__in=["draft", "submitted", "returned"], operation__isnull=False),
                name="enterprise_report_one_open_per_operation",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                condition=Q(status__in=["draft", "submitted", "returned"], operation__isnull=True),
                name="enterprise_report_one_open_per_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(capacity_quantity__isnull=True, capacity_unit="")
                | (Q(capacity_quantity__isnull=False) & ~Q(capacity_unit="")),
                name="enterprise_report_capacity_has_unit",
            ),
        ]

    def __str__(self) -> str:
        scope = self.operation.organisation.name_zh if self.operation else self.enterprise.organisation.name_zh
        return f"{scope} {self.year}（{self.get_status_display()}）"


class EnterpriseReportTransition(models.Model):
    """One step of a report's review: who moved it, from which status to which, when, and why."""

    report = models.ForeignKey(EnterpriseReport, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReportStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["report_id", "at", "id"]
        verbose_name = "报告审核记录 report transition"
        verbose_name_plural = "报告审核记录 report transitions"

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status or '—'} → {self.to_status}"


class EventKind(models.TextChoices):
    FAIR = "fair", pgettext_lazy("choice", "交易会")
    EXHIBITION = "exhibition", pgettext_lazy("choice", "展览会")
    PROMOTION_WEEK = "promotion_week", pgettext_lazy("choice", "推介周")
    PROMOTION_FAIR = "promotion_fair", pgettext_lazy("choice", "产品推介会")
    OTHER = "other", pgettext_lazy("choice", "其他")


class MarketEvent(models.Model):
    """A fair, exhibition or promotion where recipient-side enterprises sell in the donor region.

    Totals (participating enterprises, direct sales, orders) are entered as the organisers
    published them, with qualifiers; enterprises registered as participants are kept beside.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="market_events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    place = models.CharField(max_length=200)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", help_text="举办地 host area")
    start_date = models.DateField()
    end_date = models.DateField()
    participants: "models.ManyToManyField[Enterprise, EventParticipation]" = models.ManyToManyField(
        Enterprise, through="EventParticipation", related_name="market_events"
    )
    participating_enterprises_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="公布的参会企业数 participating enterprises as published"
    )
    direct_sales_fen = models.BigIntegerField(null=True, blank=True)
    order_value_fen = models.BigIntegerField(null=True, blank=True)
    qualifiers = models.JSONField(default=dict, blank=True)
    export_destinations = models.JSONField(default=list, blank=True, help_text="出口目的地 e.g. ['JP', 'KR', 'HK']")
    export_port = models.CharField(max_length=100, blank=True)
    citation = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["program_id", "start_date", "id"]
        verbose_name = "市场开拓活动 market event"
        verbose_name_plural = "市场开拓活动 market events"
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="market_event_end_after_start"),
            models.CheckConstraint(
                condition=Q(direct_sales_fen__isnull=True) | Q(direct_sales_fen__gte=0),
                name="market_event_sales_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(order_value_fen__isnull=True) | Q(order_value_fen__gte=0),
                name="market_event_orders_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date.isoformat()})"


class EventParticipation(models.Model):
    """A recipient-side enterprise registered at a market event, with its own sales if known."""

    event = models.ForeignKey(MarketEvent, on_delete=models.CASCADE, related_name="participations")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="participations")
    direct_sales_fen = models.BigIntegerField(null=True, blank=True)
    order_value_fen = models.BigIntegerField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["event_id", "enterprise_id"]
        verbose_name = "参会企业 event participant"
        verbose_name_plural = "参会企业 event participants"
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="event_participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.event.title}"


class BuyerKind(models.TextChoices):
    GOVERNMENT_UNIT = "government_unit", pgettext_lazy("choice", "机关事业单位")
    CANTEEN = "canteen", pgettext_lazy("choice", "食堂")
    ENTERPRISE = "enterprise", pgettext_lazy("choice", "企业")
    TRADE_UNION = "trade_union", pgettext_lazy("choice", "工会")
    OTHER = "other", pgettext_lazy("choice", "其他")


class Purchase(models.Model):
    """Consumption assistance: a donor-side buyer's purchase of recipient-side products."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="purchases")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="assistance_purchases")
    buyer_kind = models.CharField(max_length=20, choices=BuyerKind.choices)
    seller = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="sales")
    event = models.ForeignKey(MarketEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="purchases")
    product = models.CharField(max_length=200)
    purchased_on = models.DateField()
    quantity = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    amount_fen = models.BigIntegerField()
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["program_id", "purchased_on", "id"]
        verbose_name = "消费帮扶采购 purchase"
        verbose_name_plural = "消费帮扶采购 purchases"
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="purchase_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} ← {self.product} ({self.purchased_on.isoformat()})"
