"""The default indicator catalogue, shipped as data (data/catalogue.csv, from docs/indicators.md)."""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.csv"


def catalogue_rows() -> Iterator[dict[str, str]]:
    with CATALOGUE_FILE.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def catalogue_sync(indicator_model: Any) -> int:
    """Create or update the built-in indicators; users' own indicators are left alone.

    Takes the model as an argument so that migrations can pass their historical model.
    """
    from .models import ASSESSMENT_AREA_BY_TOPIC

    count = 0
    for row in catalogue_rows():
        indicator_model.objects.update_or_create(
            key=row["key"],
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "topic": row["topic"],
                "assessment_area": ASSESSMENT_AREA_BY_TOPIC[row["topic"]],
                "unit": row["unit"],
                "aggregation": row["aggregation"],
                "usual_source": row["usual_source"],
                "description": row["description"],
                "is_builtin": True,
            },
        )
        count += 1
    return count
