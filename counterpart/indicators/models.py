"""Figures entered as published numbers where no records exist (reported values)."""

from django.db import models
from django.db.models import F, Q

from counterpart.registry.models import Area, Pairing, Program


class Qualifier(models.TextChoices):
    """How a published figure was qualified; rendered 余/近/约 in Chinese."""

    EXACT = "", "（精确）exact"
    MORE_THAN = "more_than", "余 more than"
    NEARLY = "nearly", "近 nearly"
    ABOUT = "about", "约 about"


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
    citation = models.CharField(max_length=500, blank=True, help_text="出处 document, page or address")
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
        years = f"{self.year}–{self.year_to}" if self.year_to else str(self.year)
        return f"{self.indicator_key} {years}: {self.get_qualifier_display()} {self.value} {self.unit}"
