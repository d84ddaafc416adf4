"""Reads of the reports app: what the certified report of a year said."""

from counterpart.registry.models import Program

from .models import CertifiedReport


def certified_differences(program: Program, year: int, figures: dict) -> list[tuple[str, object, object]]:
    """Indicators whose value now differs from the latest certification: (key, certified, now)."""
    latest = CertifiedReport.objects.filter(program=program, year=year).first()
    if latest is None:
        return []
    before = latest.report.get("indicators", {})
    keys = sorted(set(before) | set(figures))
    return [
        (key, before.get(key, {}).get("value"), figures.get(key, {}).get("value"))
        for key in keys
        if before.get(key, {}).get("value") != figures.get(key, {}).get("value")
    ]
