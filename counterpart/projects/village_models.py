"""Village advancement (整村推进): a development-oriented poor village taken on by a program, and its
five components, each delivered by projects of that program.

Moved here from the people app; the tables keep their names (``people_villageadvancement``,
``people_villagecomponent`` and its projects table), so the rows stayed where they were. Imported
by ``projects.models``; this module names the project model by its label, not by importing it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from counterpart.registry.models import Area, Pairing, Program


class VillageComponentKind(models.TextChoices):
    """The five components of entire-village advancement (整村推进)."""

    ORGANISATION = "organisation", pgettext_lazy("choice", "村级组织活动场所")
    INFORMATION = "information", pgettext_lazy("choice", "信息传播")
    EDUCATION = "education", pgettext_lazy("choice", "教育")
    HEALTH_APPEARANCE = "health_appearance", pgettext_lazy("choice", "卫生和村容")
    PRODUCTION = "production", pgettext_lazy("choice", "生产发展")


class ComponentStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("choice", "计划")
    IN_PROGRESS = "in_progress", pgettext_lazy("choice", "实施中")
    COMPLETE = "complete", pgettext_lazy("choice", "已完成")


class VillageAdvancement(models.Model):
    """A development-oriented poor village taken on by a program; advanced when all five components
    are complete (in the year the last one was completed)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="village_advancements")
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    county_code = models.CharField(max_length=6, db_index=True)
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField()
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        db_table = "people_villageadvancement"  # the table it had in the people app
        ordering = ["program_id", "village_id"]
        verbose_name = "整村推进 village advancement"
        verbose_name_plural = "整村推进 village advancements"
        constraints = [
            models.UniqueConstraint(fields=["program", "village"], name="village_advancement_once_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.village} ({self.start_year})"


class VillageComponent(models.Model):
    advancement = models.ForeignKey(VillageAdvancement, on_delete=models.CASCADE, related_name="components")
    component = models.CharField(max_length=30, choices=VillageComponentKind.choices)
    status = models.CharField(max_length=20, choices=ComponentStatus.choices, default=ComponentStatus.PLANNED)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="证明材料 evidence: documents, photos, acceptance")
    projects = models.ManyToManyField("projects.Project", blank=True, related_name="village_components")

    class Meta:
        db_table = "people_villagecomponent"  # the table it had in the people app (its projects table follows)
        ordering = ["advancement_id", "component"]
        verbose_name = "整村推进内容 village component"
        verbose_name_plural = "整村推进内容 village components"
        constraints = [
            models.UniqueConstraint(fields=["advancement", "component"], name="village_component_once"),
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(completed_on__isnull=False),
                name="village_component_complete_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.advancement.village_id} {self.get_component_display()}: {self.get_status_display()}"
