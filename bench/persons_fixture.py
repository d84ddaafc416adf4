"""The persons files the intake and memory benchmarks import, and the villages and households they refer to.

A county of Guizhou (普定县) with 200 villages; a household per four persons, ``B-0000000`` on; row n of a
persons file belongs to household ``n % households``, its first member the head, with a valid identity
number that is distinct per row.
"""

import datetime
from collections.abc import Sequence
from typing import Any

VILLAGES = [f"520422{township:03d}{village:03d}" for township in range(100, 110) for village in range(201, 221)]


def person_line(n: int, households: int, prefix: str = "B") -> list[str]:
    """Row n of a persons file: household n % households (numbered ``{prefix}-…``), its first member the head."""
    from counterpart.people.identity import identity_compose

    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=n // 1000 % 25_000)
    number = identity_compose("520422", birth, n % 1000)
    return [f"{prefix}-{n % households:07d}", "head" if n < households else "child", f"成员{n}", number, "", "", ""]


def villages_and_households_register(actor: Any, households: int, extra_areas: Sequence[Any] = ()) -> None:
    """The county, its townships and villages (and ``extra_areas``, AreaRows), then ``households`` households
    ``B-…`` spread over the villages, registered through the domain's bulk actions in chunks of 50,000."""
    from counterpart.people.services import HouseholdRow, households_register_bulk
    from counterpart.registry.models import Area
    from counterpart.registry.services import AreaRow, areas_upsert

    areas_upsert(
        actor=actor,
        rows=[
            *extra_areas,
            AreaRow("52", "贵州省"),
            AreaRow("5204", "安顺市"),
            AreaRow("520422", "普定县"),
            *(AreaRow(code[:9], f"乡{code[6:9]}") for code in VILLAGES[::20]),
            *(AreaRow(code, f"村{code[6:]}") for code in VILLAGES),
        ],
        source="bench",
    )
    villages = {area.code: area for area in Area.objects.filter(code__in=VILLAGES)}
    for first in range(0, households, 50_000):
        households_register_bulk(
            actor=actor,
            rows=[
                HouseholdRow(f"B-{n:07d}", villages[VILLAGES[n % len(VILLAGES)]], "illness")
                for n in range(first, min(households, first + 50_000))
            ],
            year=2014,
            source="bench",
        )
