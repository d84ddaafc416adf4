"""Projects built or done in recipient areas, their lifecycle and their outputs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from counterpart.core.workflow import Workflow
from counterpart.registry.models import Area, Pairing, Program

from .village_models import (  # noqa: F401 (the app's models, found by Django here)
    ComponentStatus,
    VillageAdvancement,
    VillageComponent,
    VillageComponentKind,
)


class ProjectCategory(models.TextChoices):
    VILLAGE_ADVANCEMENT = "village_advancement", pgettext_lazy("choice", "整村推进")
    PLANTING = "planting", pgettext_lazy("choice", "种植业")
    BREEDING = "breeding", pgettext_lazy("choice", "养殖业")
    VILLAGE_ROAD = "village_road", pgettext_lazy("choice", "通村道路")
    DRINKING_WATER = "drinking_water", pgettext_lazy("choice", "人畜饮水")
    IRRIGATION = "irrigation", pgettext_lazy("choice", "农田水利")
    HOUSING = "housing", pgettext_lazy("choice", "危房改造")
    EDUCATION = "education", pgettext_lazy("choice", "教育")
    HEALTH = "health", pgettext_lazy("choice", "卫生")
    TRAINING = "training", pgettext_lazy("choice", "培训")
    DISASTER_RELIEF = "disaster_relief", pgettext_lazy("choice", "抗旱救灾")
    OTHER = "other", pgettext_lazy("choice", "其他")


# OECD-DAC 5-digit purpose codes (IATI Sector vocabulary 1) for each category.
DAC_PURPOSE_BY_CATEGORY: dict[str, str] = {
    ProjectCategory.VILLAGE_ADVANCEMENT: "43040",  # Rural development
    ProjectCategory.PLANTING: "31120",  # Agricultural development
    ProjectCategory.BREEDING: "31163",  # Livestock
    ProjectCategory.VILLAGE_ROAD: "21020",  # Road transport
    ProjectCategory.DRINKING_WATER: "14030",  # Basic drinking water supply and basic sanitation
    ProjectCategory.IRRIGATION: "31140",  # Agricultural water resources
    ProjectCategory.HOUSING: "16040",  # Low-cost housing
    ProjectCategory.EDUCATION: "11220",  # Primary education
    ProjectCategory.HEALTH: "12220",  # Basic health care
    ProjectCategory.TRAINING: "11330",  # Vocational training
    ProjectCategory.DISASTER_RELIEF: "72010",  # Material relief assistance and services
    ProjectCategory.OTHER: "43010",  # Multisector aid
}


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("choice", "已申报")
    APPROVED = "approved", pgettext_lazy("choice", "已批准")
    UNDER_CONSTRUCTION = "under_construction", pgettext_lazy("choice", "在建")
    COMPLETED = "completed", pgettext_lazy("choice", "已完工")
    ACCEPTED = "accepted", pgettext_lazy("choice", "已验收")
    CANCELLED = "cancelled", pgettext_lazy("choice", "已取消")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.PROPOSED: frozenset({ProjectStatus.APPROVED, ProjectStatus.CANCELLED}),
    ProjectStatus.APPROVED: frozenset({ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.CANCELLED}),
    ProjectStatus.UNDER_CONSTRUCTION: frozenset({ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}),
    ProjectStatus.COMPLETED: frozenset({ProjectStatus.ACCEPTED}),
    ProjectStatus.ACCEPTED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
}
PROJECT_WORKFLOW = Workflow(ALLOWED_TRANSITIONS, lambda status: str(ProjectStatus(status).label))


class Project(models.Model):
    """Something built or done in a recipient county or village within a program.

    ``status`` only changes through ``projects.services.project_transition``, which records each
    step in ProjectTransition and the audit trail.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(max_length=40)
    title_zh = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=30, choices=ProjectCategory.choices, db_index=True)
    purpose_code = models.CharField(max_length=5, help_text="OECD-DAC purpose code")
    recipient_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="projects")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    year = models.PositiveSmallIntegerField(db_index=True)
    budget_fen = models.BigIntegerField(help_text="预算（分）budget in fen")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    reported_beneficiaries = models.PositiveIntegerField(
        null=True, blank=True, help_text="上报受益人数 beneficiaries as reported, when no person list exists"
    )
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")
    created_at = models.DateTimeField(auto_now_add=True)
    # The distribution column of a national deployment (docs/scale.md): the county the project is in,
    # ``county_of(recipient_area)`` written by ``project_propose`` (a plain column: Citus does not
    # distribute by a generated one, and every INSERT must carry it to be routed to its shard).
    county_code = models.CharField(max_length=6, blank=True, default="", editable=False)

    class Meta:
        ordering = ["program_id", "year", "code"]
        verbose_name = "帮扶项目 project"
        verbose_name_plural = "帮扶项目 projects"
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="project_unique_code_in_program"),
            models.CheckConstraint(condition=Q(budget_fen__gte=0), name="project_budget_not_negative"),
        ]
        # With the status, the report's count of the years' implemented projects by category reads this index
        # alone (an index-only scan): at 1,000,000 projects (S = 1.0) the year's count took 0.52 s over the
        # table and 0.15 s over the index on a loaded machine (docs/benchmarks.md, 2026-12-04).
        indexes = [models.Index(fields=["program", "year", "category", "status"], name="project_year_category_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"


class ProjectTransition(models.Model):
    """One step of a project's lifecycle: who moved it from which status to which, and when."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ProjectStatus.choices)
    # The day the step happened, as the office states it (a project approved in May 2009 and entered in
    # 2026 was approved in 2009); ``at`` is when it was recorded.
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["project_id", "at", "id"]
        verbose_name = "项目状态变更 project transition"
        verbose_name_plural = "项目状态变更 project transitions"

    def __str__(self) -> str:
        return f"{self.project.code}: {self.from_status or '—'} → {self.to_status}"


class OutputIndicator(models.TextChoices):
    """Physical outputs; keys follow the indicator catalogue (docs/indicators.md)."""

    ROAD_KM = "road_km", pgettext_lazy("choice", "道路（公里）")
    DRINKING_WATER_PERSONS = "drinking_water_persons", pgettext_lazy("choice", "解决饮水人数")
    DRINKING_WATER_LIVESTOCK = "drinking_water_livestock", pgettext_lazy("choice", "解决饮水牲畜")
    FARMLAND_MU = "farmland_mu", pgettext_lazy("choice", "农田（亩）")
    PLANTING_MU = "planting_mu", pgettext_lazy("choice", "种植（亩）")
    GRASSLAND_MU = "grassland_mu", pgettext_lazy("choice", "种草（亩）")
    LIVESTOCK_HEADS = "livestock_heads", pgettext_lazy("choice", "牲畜（头只）")
    SCHOOLS_BUILT = "schools_built", pgettext_lazy("choice", "学校（所）")
    HEALTH_CENTRES_BUILT = "health_centres_built", pgettext_lazy("choice", "卫生室（所）")
    HOUSES_RENOVATED = "houses_renovated", pgettext_lazy("choice", "危房改造（户）")


OUTPUT_UNITS: dict[str, str] = {
    OutputIndicator.ROAD_KM: "km",
    OutputIndicator.DRINKING_WATER_PERSONS: "persons",
    OutputIndicator.DRINKING_WATER_LIVESTOCK: "heads",
    OutputIndicator.FARMLAND_MU: "mu",
    OutputIndicator.PLANTING_MU: "mu",
    OutputIndicator.GRASSLAND_MU: "mu",
    OutputIndicator.LIVESTOCK_HEADS: "heads",
    OutputIndicator.SCHOOLS_BUILT: "count",
    OutputIndicator.HEALTH_CENTRES_BUILT: "count",
    OutputIndicator.HOUSES_RENOVATED: "households",
}


class ProjectOutput(models.Model):
    """A planned and (once known) actual physical output of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    indicator = models.CharField(max_length=40, choices=OutputIndicator.choices)
    unit = models.CharField(max_length=20)
    planned_quantity = models.DecimalField(max_digits=14, decimal_places=2)
    actual_quantity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["project_id", "indicator"]
        verbose_name = "项目产出 project output"
        verbose_name_plural = "项目产出 project outputs"
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="project_output_unique_indicator"),
            models.CheckConstraint(condition=Q(planned_quantity__gte=0), name="project_output_planned_not_negative"),
            models.CheckConstraint(
                condition=Q(actual_quantity__isnull=True) | Q(actual_quantity__gte=0),
                name="project_output_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.planned_quantity} {self.unit}"


class AttachmentType(models.TextChoices):
    JPEG = "image/jpeg", pgettext_lazy("choice", "JPEG 照片")
    PNG = "image/png", pgettext_lazy("choice", "PNG 图片")
    PDF = "application/pdf", pgettext_lazy("choice", "PDF 文件")


class ProjectAttachment(models.Model):
    """Evidence for a project (a photo of the finished road, the acceptance certificate as PDF).

    The file lives under the data directory (``stored_name``, never the name the user gave) and
    is served only through a scoped view; ``content_type`` is what the bytes are, not what the
    browser claimed. Written only by ``projects.services.project_attachment_add``.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="attachments")
    file_name = models.CharField(max_length=255, help_text="上传时的文件名 name as uploaded")
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=40, choices=AttachmentType.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["project_id", "uploaded_at", "id"]
        verbose_name = "项目佐证材料 project attachment"
        verbose_name_plural = "项目佐证材料 project attachments"

    def __str__(self) -> str:
        return f"{self.project.code}: {self.file_name}"
