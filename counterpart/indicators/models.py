"""The indicator catalogue, and figures entered as published numbers (reported values)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import pgettext_lazy

from counterpart.core.language import pick
from counterpart.core.workflow import Workflow
from counterpart.registry.models import Area, Pairing, Program


class AssessmentArea(models.TextChoices):
    """The six areas in which the State Council assessed both sides of every pairing from 2017."""

    ORGANISATION_LEADERSHIP = "organisation_leadership", pgettext_lazy("choice", "组织领导")
    TALENT_EXCHANGE = "talent_exchange", pgettext_lazy("choice", "人才交流")
    FUNDS = "funds", pgettext_lazy("choice", "资金使用")
    INDUSTRIAL_COOPERATION = "industrial_cooperation", pgettext_lazy("choice", "产业合作")
    LABOUR_COOPERATION = "labour_cooperation", pgettext_lazy("choice", "劳务协作")
    DISTRICT_COUNTY_PAIRING = "district_county_pairing", pgettext_lazy("choice", "携手奔小康")


class Topic(models.TextChoices):
    FUNDS = "funds", pgettext_lazy("choice", "资金")
    PROJECTS = "projects", pgettext_lazy("choice", "项目")
    OUTPUTS = "outputs", pgettext_lazy("choice", "产出")
    TALENT = "talent", pgettext_lazy("choice", "人才")
    LABOUR = "labour", pgettext_lazy("choice", "劳务")
    PEOPLE = "people", pgettext_lazy("choice", "人员")
    INDUSTRY = "industry", pgettext_lazy("choice", "产业")
    MARKET = "market", pgettext_lazy("choice", "市场")
    LEADERSHIP = "leadership", pgettext_lazy("choice", "组织领导")
    PAIRING = "pairing", pgettext_lazy("choice", "结对")


ASSESSMENT_AREA_BY_TOPIC: dict[str, str] = {
    Topic.FUNDS: AssessmentArea.FUNDS,
    Topic.PROJECTS: AssessmentArea.FUNDS,
    Topic.OUTPUTS: AssessmentArea.FUNDS,
    Topic.TALENT: AssessmentArea.TALENT_EXCHANGE,
    Topic.LABOUR: AssessmentArea.LABOUR_COOPERATION,
    Topic.PEOPLE: AssessmentArea.LABOUR_COOPERATION,
    Topic.INDUSTRY: AssessmentArea.INDUSTRIAL_COOPERATION,
    Topic.MARKET: AssessmentArea.INDUSTRIAL_COOPERATION,
    Topic.LEADERSHIP: AssessmentArea.ORGANISATION_LEADERSHIP,
    Topic.PAIRING: AssessmentArea.DISTRICT_COUNTY_PAIRING,
}


class Aggregation(models.TextChoices):
    SUM = "sum", pgettext_lazy("choice", "求和")
    UNIQUE = "unique", pgettext_lazy("choice", "去重计数")
    LATEST = "latest", pgettext_lazy("choice", "期末值")


class UsualSource(models.TextChoices):
    LEDGER = "ledger", pgettext_lazy("choice", "资金台账")
    PROJECTS = "projects", pgettext_lazy("choice", "项目库")
    REGISTRY = "registry", pgettext_lazy("choice", "登记记录")
    REPORTED = "reported", pgettext_lazy("choice", "上报数")


class Indicator(models.Model):
    """One indicator of the catalogue. Keys are stable: reports, exports and APIs use them.

    The default catalogue (docs/indicators.md) is shipped as data and loaded by a migration;
    users add their own. ``aggregation`` says how years and places combine: flows add up
    (sum), persons are counted once (unique), stocks take the value at the end (latest).
    """

    key = models.SlugField(max_length=60, unique=True)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=150)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    assessment_area = models.CharField(max_length=30, choices=AssessmentArea.choices)
    unit = models.CharField(max_length=30)
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices)
    usual_source = models.CharField(max_length=10, choices=UsualSource.choices)
    description = models.TextField(blank=True)
    is_builtin = models.BooleanField(default=False, help_text="随平台提供 shipped with the platform")

    class Meta:
        ordering = ["topic", "key"]
        verbose_name = "指标 indicator"
        verbose_name_plural = "指标 indicators"

    def __str__(self) -> str:
        return f"{self.key} {self.name_zh}"

    def name(self) -> str:
        """The indicator's name in the page's language."""
        return pick(self.name_zh, self.name_en)


class Qualifier(models.TextChoices):
    """How a published figure was qualified; rendered 余/近/约 in Chinese."""

    EXACT = "", pgettext_lazy("choice", "（精确）")
    MORE_THAN = "more_than", pgettext_lazy("choice", "余")
    NEARLY = "nearly", pgettext_lazy("choice", "近")
    ABOUT = "about", pgettext_lazy("choice", "约")


class ReportedValue(models.Model):
    """A figure as an office published it: "more than 50,000 poor people benefited".

    Kept beside figures computed from records, never added to them silently; the report says
    which kind each figure is. A value may cover one year or a range (a cumulative total).
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="reported_values")
    indicator_key = models.CharField(max_length=60, db_index=True)
    year = models.PositiveSmallIntegerField()
    year_to = models.PositiveSmallIntegerField(null=True, blank=True, help_text="末年（累计数）last year of a range")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=20, decimal_places=2)
    unit = models.CharField(max_length=30)
    qualifier = models.CharField(max_length=20, choices=Qualifier.choices, blank=True, default="")
    # One part of a breakdown ("source" = "fiscal_municipal"); empty for the total itself.
    breakdown_dimension = models.CharField(max_length=30, blank=True)
    breakdown_code = models.CharField(max_length=60, blank=True)
    # A breakdown the source gives only in part (three of five recipients): its parts are not
    # expected to add up to the total.
    breakdown_partial = models.BooleanField(default=False, help_text="分项不全 the source gives only some parts")
    # "70% of fiscal aid": the figure is a share of another indicator's figure of the same scope and
    # years; the total it implies is shown as derived, never as published.
    share_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    share_of = models.CharField(max_length=60, blank=True, help_text="占比基数指标 the indicator it is a share of")
    # Two published values for one figure stay side by side; the office marks the one it stands behind.
    is_preferred = models.BooleanField(default=False, help_text="采用值 the value the office stands behind")
    citation = models.CharField(max_length=500, blank=True, help_text="出处 document, page or address")
    # "比上年增长 12%": a change the source states, checked against the figures of both years.
    stated_change_percent = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id", "indicator_key", "year"]
        verbose_name = "上报数 reported value"
        verbose_name_plural = "上报数 reported values"
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_to__gte=F("year")),
                name="reported_value_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["program", "indicator_key", "year"])]

    def __str__(self) -> str:
        from .unit_labels import unit_label

        years = f"{self.year}–{self.year_to}" if self.year_to else str(self.year)
        indicator = Indicator.objects.filter(key=self.indicator_key).only("name_zh", "name_en").first()
        name = indicator.name() if indicator is not None else self.indicator_key
        return f"{name} {years}: {self.get_qualifier_display()}{Decimal(str(self.value)):f} {unit_label(self.unit)}"


class Target(models.Model):
    """A target agreed between the two sides for an indicator, a year and a pairing (or program-wide)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField()
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="targets")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=20, decimal_places=2)
    agreement = models.CharField(max_length=300, blank=True, help_text="协议 the annual agreement that set it")

    class Meta:
        ordering = ["program_id", "year", "indicator_id"]
        verbose_name = "目标 target"
        verbose_name_plural = "目标 targets"
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative")]

    def __str__(self) -> str:
        return f"{self.indicator.key} {self.year}: {self.value}"


class AssessmentStatus(models.TextChoices):
    """The yearly two-sided cycle, in order."""

    OPEN = "open", pgettext_lazy("choice", "待自评")
    SELF_ASSESSED = "self_assessed", pgettext_lazy("choice", "帮扶方已自评")
    COMMENTED = "commented", pgettext_lazy("choice", "受援方已确认")
    SUBMITTED = "submitted", pgettext_lazy("choice", "已报送")
    CROSS_CHECKED = "cross_checked", pgettext_lazy("choice", "已交叉核查")
    FINAL = "final", pgettext_lazy("choice", "已定稿")


# Each step of the cycle; a reviewer may return a submitted or cross-checked assessment to the donor side.
ASSESSMENT_WORKFLOW = Workflow(
    {
        AssessmentStatus.OPEN: frozenset({AssessmentStatus.SELF_ASSESSED}),
        AssessmentStatus.SELF_ASSESSED: frozenset({AssessmentStatus.COMMENTED}),
        AssessmentStatus.COMMENTED: frozenset({AssessmentStatus.SUBMITTED}),
        AssessmentStatus.SUBMITTED: frozenset({AssessmentStatus.CROSS_CHECKED, AssessmentStatus.OPEN}),
        AssessmentStatus.CROSS_CHECKED: frozenset({AssessmentStatus.FINAL, AssessmentStatus.OPEN}),
        AssessmentStatus.FINAL: frozenset(),
    },
    lambda status: str(AssessmentStatus(status).label),
)


class Assessment(models.Model):
    """One pairing's assessment for one year: both sides act before anything is final.

    The donor side assesses itself in the six areas; the recipient side confirms or disputes
    each figure; the program office submits; a reviewer cross-checks; then it is locked.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="assessments")
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN)
    self_assessment = models.TextField(blank=True, help_text="帮扶方自评 the donor side's self-assessment")
    self_assessed_by = models.CharField(max_length=150, blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    recipient_comment = models.TextField(blank=True, help_text="受援方意见 the recipient side's comment")
    commented_by = models.CharField(max_length=150, blank=True)
    commented_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    cross_check_notes = models.TextField(blank=True)
    cross_checked_by = models.CharField(max_length=150, blank=True)
    cross_checked_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.CharField(max_length=150, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    # The last return by a reviewer (the audit trail keeps every one): why, by whom, when.
    return_reason = models.TextField(blank=True)
    returned_by = models.CharField(max_length=150, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    final_report = models.JSONField(null=True, blank=True, help_text="定稿报告 the locked final report")

    class Meta:
        ordering = ["program_id", "year", "pairing_id"]
        verbose_name = "考核 assessment"
        verbose_name_plural = "考核 assessments"
        constraints = [models.UniqueConstraint(fields=["pairing", "year"], name="assessment_one_per_pairing_year")]

    def __str__(self) -> str:
        return f"{self.pairing} {self.year} ({self.get_status_display()})"


class AssessmentScore(models.Model):
    """The score of one of the six areas: the donor side's own, then the final one."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    area = models.CharField(max_length=30, choices=AssessmentArea.choices)
    self_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    self_comment = models.TextField(blank=True)
    final_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["assessment_id", "area"]
        verbose_name = "考核得分 assessment score"
        verbose_name_plural = "考核得分 assessment scores"
        constraints = [models.UniqueConstraint(fields=["assessment", "area"], name="assessment_score_one_per_area")]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.self_score} / {self.final_score}"


class Verdict(models.TextChoices):
    PENDING = "", pgettext_lazy("choice", "待确认")
    CONFIRMED = "confirmed", pgettext_lazy("choice", "确认")
    DISPUTED = "disputed", pgettext_lazy("choice", "有异议")


class AssessmentFigure(models.Model):
    """A figure of the pairing's report as it stood when the assessment opened, and the other side's verdict."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=20, decimal_places=2)
    unit = models.CharField(max_length=30)
    source = models.CharField(max_length=20)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True, default=Verdict.PENDING)
    verdict_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment_id", "indicator_id"]
        verbose_name = "考核数据 assessment figure"
        verbose_name_plural = "考核数据 assessment figures"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="assessment_figure_one_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value} {self.unit} ({self.verdict or 'pending'})"


class AssessmentEvidence(models.Model):
    """A file the donor side gives as evidence for its self-assessment (a photo, a signed agreement as
    PDF), for one of the six areas or the whole. Kept like a project's attachments (core/attachments.py):
    under the data directory with a random name, its type what the bytes are; served only to those who
    see the assessment. Written only by ``indicators.assessment.assessment_evidence_attach``."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="evidence")
    area = models.CharField(max_length=30, choices=AssessmentArea.choices, blank=True, help_text="blank: the whole")
    file_name = models.CharField(max_length=255, help_text="上传时的文件名 name as uploaded")
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["assessment_id", "uploaded_at", "id"]
        verbose_name = "考核佐证材料 assessment evidence"
        verbose_name_plural = "考核佐证材料 assessment evidence"

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.file_name}"
