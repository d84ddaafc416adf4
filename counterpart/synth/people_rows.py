"""The rows of the synthetic people registry, made one part of one county at a time, in any process.

A part is ``PART_PERSONS`` consecutive members of a county. Everything a part holds follows from the
job (fixed from the plan before any part is made) and the part's own random stream, derived from
(seed, county, part): so parts can be made by any number of worker processes, in any order, and the
rows are the same. Household and person ids are computed from the plan (every county has the same
number of members); benefit ids, whose count per part depends on the stream, are assigned as the
parent writes the parts in order (``synth.people``).

On PostgreSQL a part is COPY text, ready for the parent to pass on to the server unparsed; the
identity number is composed, encrypted and blind-indexed here, and only the ciphertext and the
blind index leave the function. Nothing is written to a file.
"""

import datetime
import random
from dataclasses import dataclass

from counterpart.people.identity import IdentityCipher, identity_compose
from counterpart.people.models import BenefitKind, PovertyCause, Relation, Sex

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"


GIVEN = "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华兰玉梅红春燕海波建国志文"


RELATIONS = [Relation.HEAD.value, Relation.SPOUSE.value, Relation.CHILD.value]


CAUSES = [str(value) for value in PovertyCause.values]


# Members per part: a multiple of three (whole households) and of 1000 (whole birth days); about 15 MB
# of COPY text, so a few parts in flight keep the generator's memory flat at any scale.
PART_PERSONS = 48_000


HOUSEHOLD_COLUMNS = [
    "id",
    "number",
    "village_id",
    "county_code",
    "head_id",
    "poverty_cause",
    "helper_name",
    "helper_organisation_id",
    "is_illustrative",
]


PERSON_COLUMNS = [
    "id",
    "household_id",
    "relation",
    "name",
    "sex",
    "birth_date",
    "area_id",
    "county_code",
    "identity_key_id",
    "identity_ciphertext",
    "identity_blind_index",
    "is_illustrative",
]


# Without "id": the parent numbers the benefits in the order it writes them.
BENEFIT_COLUMNS = [
    "person_id",
    "household_id",
    "kind",
    "program_id",
    "pairing_id",
    "project_id",
    "date",
    "year",
    "area_code",
    "county_code",
    "is_illustrative",
]


@dataclass(frozen=True)
class PeopleJob:
    seed: int
    program_id: int
    per_county: int
    births_from: datetime.date
    first_household: int
    first_person: int
    counties: list[str]
    villages: list[str]
    villages_per_county: int
    pairings: dict[str, int]
    # county → year → [(project id, project village)]
    projects: dict[str, dict[int, list[tuple[int, str]]]]
    as_copy: bool

    def parts(self) -> list[tuple[int, int]]:
        """(county index, part) in the order the rows are written."""
        per_county_parts = -(-self.per_county // PART_PERSONS)
        return [(county, part) for county in range(len(self.counties)) for part in range(per_county_parts)]


@dataclass
class PeoplePart:
    # COPY text (bytes) on PostgreSQL, tuples elsewhere
    households: bytes | list[tuple]
    persons: bytes | list[tuple]
    benefits: bytes | list[tuple]
    household_count: int
    person_count: int
    benefit_count: int


def part_random(seed: int, county: str, part: int) -> random.Random:
    # A str seed is hashed with SHA-512, the same in every process (unlike hash() of a str).
    return random.Random(f"synth.people:{seed}:{county}:{part}")


def _bytea(value: bytes) -> str:
    # bytea in COPY text: the hex form, its backslash escaped once for COPY
    return "\\\\x" + value.hex()


def people_part(job: PeopleJob, county_index: int, part: int) -> PeoplePart:
    """The households, persons and benefits of members [part × PART_PERSONS, …) of one county."""
    county = job.counties[county_index]
    rng = part_random(job.seed, county, part)
    # A cipher per part: its nonces are drawn from os.urandom in this process, never shared with a
    # forked sibling's buffer (a repeated AES-GCM nonce would give the key away).
    cipher = IdentityCipher()
    key_id = cipher.key_id
    pairing = job.pairings[county]
    county_projects = job.projects[county]
    years_with_projects = [year for year in sorted(county_projects) if county_projects[year]]
    first_village = county_index * job.villages_per_county
    start = part * PART_PERSONS
    stop = min(job.per_county, start + PART_PERSONS)
    person_id = job.first_person + county_index * job.per_county + start
    household_id = job.first_household + county_index * (job.per_county // 3) + start // 3 - 1
    households: list = []
    persons: list = []
    benefits: list = []
    program_id = job.program_id
    project_kind = BenefitKind.PROJECT.value
    male, female = Sex.MALE.value, Sex.FEMALE.value
    village = job.villages[first_village]
    for member in range(start, stop):
        if member % 3 == 0:
            village = job.villages[first_village + (member // 3) % job.villages_per_county]
            household_id += 1
            number_of_household = f"S{program_id}-{county}-{member // 3:07d}"
            cause = CAUSES[rng.randrange(len(CAUSES))]
            if job.as_copy:
                households.append(
                    f"{household_id}\t{number_of_household}\t{village}\t{county}\t\\N\t{cause}\t\t\\N\tt\n"
                )
            else:
                households.append((household_id, number_of_household, village, county, None, cause, "", None, True))
        # A distinct, valid number per county: birth date from the member's position, sequence below 1000.
        # Each dataset in the database gets its own span of birth dates, so numbers never collide.
        birth = job.births_from + datetime.timedelta(days=member // 1000)
        sequence = member % 1000
        number = identity_compose(county, birth, sequence)
        ciphertext = cipher.encrypt(number)
        blind = cipher.blind_index(number)
        name = SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))]
        relation = RELATIONS[member % 3]
        sex = male if sequence % 2 else female
        if job.as_copy:
            persons.append(
                f"{person_id}\t{household_id}\t{relation}\t{name}\t{sex}\t{birth.isoformat()}\t{village}\t"
                f"{county}\t{key_id}\t{_bytea(ciphertext)}\t{_bytea(blind)}\tt\n"
            )
        else:
            persons.append(
                (person_id, household_id, relation, name, sex, birth, village, county, key_id, ciphertext, blind, True)
            )
        if years_with_projects:
            reached = 2 if rng.random() < 0.4 else 1
            for year in rng.sample(years_with_projects, min(reached, len(years_with_projects))):
                items = county_projects[year]
                project_id, project_village = items[rng.randrange(len(items))]
                if job.as_copy:
                    benefits.append(
                        f"{person_id}\t{household_id}\t{project_kind}\t{program_id}\t{pairing}\t{project_id}\t"
                        f"{year}-10-01\t{year}\t{project_village}\t{county}\tt\n"
                    )
                else:
                    benefits.append(
                        (
                            person_id,
                            household_id,
                            project_kind,
                            program_id,
                            pairing,
                            project_id,
                            datetime.date(year, 10, 1),
                            year,
                            project_village,
                            county,
                            True,
                        )
                    )
        person_id += 1
    counts = len(households), len(persons), len(benefits)
    if job.as_copy:
        return PeoplePart("".join(households).encode(), "".join(persons).encode(), "".join(benefits).encode(), *counts)
    return PeoplePart(households, persons, benefits, *counts)
