"""Certified reports: the figures of a year as the program office signed them off."""

from django.db import models

from counterpart.registry.models import Program


class CertifiedReport(models.Model):
    """A year's report as certified (核定). Certification locks the year; later certifications of the
    same year (after an unlock) are kept beside the earlier ones, so a changed figure is never silent."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="certified_reports")
    year = models.PositiveSmallIntegerField()
    certified_at = models.DateTimeField(auto_now_add=True)
    certified_by_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    report = models.JSONField(help_text="the report JSON as certified")

    class Meta:
        ordering = ["program_id", "year", "-certified_at", "-id"]
        verbose_name = "核定报告 certified report"
        verbose_name_plural = "核定报告 certified reports"

    def __str__(self) -> str:
        return f"{self.program.slug} {self.year} certified {self.certified_at:%Y-%m-%d}"
