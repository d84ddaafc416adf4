"""What a synthetic dataset holds at a scale: the plan, its estimates, and what generation returns."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from counterpart.registry.models import Program

from .extras import enterprises_planned, trainings_planned

WESTERN_PROVINCES = ["52", "53", "62", "63", "64", "65", "45", "50", "51", "54", "61", "15"]


EASTERN_PROVINCES = ["11", "12", "31", "32", "33", "35", "37", "44"]


YEARS = (2016, 2017, 2018, 2019, 2020)


SYNTH_PREFECTURES = [str(n) for n in range(91, 99)]


# Bytes on disk per row, heap and indexes, measured on PostgreSQL 15 after VACUUM ANALYZE at S = 0.005
# with the indexes synth builds after its load (docs/benchmarks.md, "Row widths"; the people tables
# since their integer ids and single code indexes, "2026-12-04"), for the estimate printed first.
BYTES_PER_ROW = {
    "areas": 380,
    "projects": 390,
    "transactions": 365,
    "postings": 120,
    "persons": 250,  # heap + indexes: 158 + 92
    "households": 172,  # heap + indexes: 97 + 75
    "benefits": 218,  # heap + indexes: 109 + 109
    "trainings": 465,
    "enterprises": 1500,  # organisations, profile, operation, agreement and about three yearly reports
}


ROWS_PER_SECOND = {
    "areas": 150_000,
    "projects": 60_000,
    "transactions": 80_000,
    "postings": 200_000,
    # composed, encrypted and blind-indexed by one worker process: with its households and benefits at the
    # rates beside it, the 17,200 persons a second of the phase measured at S = 0.01 (2026-12-04)
    "persons": 24_000,
    "households": 100_000,
    "benefits": 100_000,
    "trainings": 50_000,
    "enterprises": 5_000,
}


# How much faster the people phase (persons, households, benefits) runs with N worker processes than with
# one, measured on 2 cores at S = 0.01 (docs/benchmarks.md, "Synth's persons on both cores": 52 s and
# 30 s); more workers than that were not measured.
PERSONS_SPEEDUP = {1: 1.0, 2: 1.73}


PEOPLE_TABLES = ("persons", "households", "benefits")


# The secondary indexes built after the load and the summaries filled from it: 1,381 s + 1,094 s for the
# 125.7 M benefits of S = 1.0 (docs/benchmarks.md, "S = 1.0"), 25 s at S = 0.01.
AFTER_LOAD_SECONDS_PER_BENEFIT = 2_475 / 125_664_330


@dataclass(frozen=True)
class Plan:
    scale: float
    seed: int
    counties: int
    villages: int
    donor_districts: int
    projects: int
    persons: int = 0

    @property
    def villages_per_county(self) -> int:
        return max(1, math.ceil(self.villages / self.counties))

    @property
    def townships_per_county(self) -> int:
        return max(1, math.ceil(self.villages_per_county / 20))

    @property
    def transactions(self) -> int:
        # per project: allocation, two disbursement tranches, two expenditures; per pairing-year a commitment
        return self.projects * 5 + self.counties * len(YEARS)

    @property
    def postings(self) -> int:
        return self.transactions * 2

    @property
    def households(self) -> int:
        return math.ceil(self.persons / 3)

    @property
    def benefits(self) -> int:
        # about three in five persons are reached in one year, two in five in two years
        return self.persons * 7 // 5

    @property
    def areas(self) -> int:
        return self.counties * (1 + self.townships_per_county) + self.villages + self.donor_districts + 200

    def estimate(self, workers: int = 1) -> dict[str, float]:
        rows = {
            "areas": self.areas,
            "projects": self.projects,
            "transactions": self.transactions,
            "postings": self.postings,
            "persons": self.persons,
            "households": self.households,
            "benefits": self.benefits,
            "trainings": trainings_planned(self.scale),
            "enterprises": enterprises_planned(self.scale),
        }
        rates: dict[str, float] = dict(ROWS_PER_SECOND)
        for table in PEOPLE_TABLES:
            rates[table] *= PERSONS_SPEEDUP[min(max(workers, 1), max(PERSONS_SPEEDUP))]
        seconds = sum(rows[k] / rates[k] for k in rows) + rows["benefits"] * AFTER_LOAD_SECONDS_PER_BENEFIT
        disk = sum(rows[k] * BYTES_PER_ROW[k] for k in rows)
        return {"seconds": seconds, "bytes": disk}


def synth_plan(scale: float, seed: int = 1, *, with_people: bool = True) -> Plan:
    if not 0 < scale <= 1.0:
        raise ValueError("scale must be in (0, 1]")
    return Plan(
        scale=scale,
        seed=seed,
        counties=max(12, round(832 * scale)),
        villages=max(24, round(128_000 * scale)),
        donor_districts=max(12, round(249 * scale)),
        projects=max(50, round(1_000_000 * scale)),
        persons=max(60, round(89_620_000 * scale)) if with_people else 0,
    )


@dataclass
class Generated:
    program: Program
    counties: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    pairings: dict[str, int] = field(default_factory=dict)  # county code → pairing id
    donor_districts: list[str] = field(default_factory=list)


Progress = Callable[[str, int], None]


def progress_none(step: str, done: int) -> None:
    return None
