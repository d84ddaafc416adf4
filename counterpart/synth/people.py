"""The synthetic people registry: households, persons with valid protected identity numbers, benefits."""

import datetime
import hashlib
import random

from counterpart.people.identity import identity_blind_index, identity_compose, identity_encrypt
from counterpart.people.models import Benefit, BenefitKind, Household, Person, PovertyCause, Relation, Sex

from .bulk import bulk_write, next_id
from .plan import YEARS, Generated, Plan, Progress

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"


GIVEN = "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华兰玉梅红春燕海波建国志文"


RELATIONS = [Relation.HEAD, Relation.SPOUSE, Relation.CHILD]


CAUSES = list(PovertyCause.values)


PEOPLE_CHUNK = 50_000


BIRTH_SPAN_DAYS = 2_500


def _free_birth_span(slug: str, counties: list[str]) -> datetime.date:
    """The first day of a span of birth dates no person of these counties was born in yet.

    Each synthetic program in one database needs its own span (so identity numbers never collide).
    The search starts at a span chosen from the slug rather than the database id, so the same seed
    gives the same persons in any fresh database, whatever ids its sequences hand out; it moves on
    only when another synthetic dataset already holds that span.
    """
    start = int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 8
    for offset in range(8):
        first = datetime.date(1930, 1, 1) + datetime.timedelta(days=((start + offset) % 8) * BIRTH_SPAN_DAYS)
        last = first + datetime.timedelta(days=BIRTH_SPAN_DAYS - 1)
        if not Person.objects.filter(county_code__in=counties, birth_date__range=(first, last)).exists():
            return first
    raise ValueError("every span of synthetic birth dates is taken in these counties")


def synth_people(
    plan: Plan,
    rng: random.Random,
    generated: Generated,
    projects_by_county: dict[str, dict[int, list[tuple[int, int, str, str]]]],
    progress: Progress,
) -> None:
    """Registered poor households of three, each person with a valid, encrypted identity number, and
    the benefits that reached them through the county's projects (counted once per person and year)."""
    program = generated.program
    household_id, person_id, benefit_id = next_id(Household), next_id(Person), next_id(Benefit)
    per_county = max(3, plan.persons // len(generated.counties) // 3 * 3)
    villages_per_county = plan.villages_per_county
    births_from = _free_birth_span(program.slug, generated.counties)
    if per_county // 1000 >= BIRTH_SPAN_DAYS:
        raise ValueError("too many persons per county for distinct synthetic identity numbers")
    households: list[tuple] = []
    persons: list[tuple] = []
    benefits: list[tuple] = []
    for county_index, county in enumerate(generated.counties):
        pairing = generated.pairings[county]
        county_projects = projects_by_county[county]
        years_with_projects = [year for year in YEARS if county_projects.get(year)]
        village = generated.villages[county_index * villages_per_county]
        for member in range(per_county):
            if member % 3 == 0:
                village = generated.villages[county_index * villages_per_county + (member // 3) % villages_per_county]
                households.append(
                    (
                        household_id,
                        f"S{program.pk}-{county}-{member // 3:07d}",
                        village,
                        county,
                        None,
                        CAUSES[rng.randrange(len(CAUSES))],
                        "",
                        None,
                        True,
                    )
                )
                household_id += 1
            # A distinct, valid number per county: birth date from the member's position, sequence below 1000.
            # Each dataset in the database gets its own span of birth dates, so numbers never collide.
            birth = births_from + datetime.timedelta(days=member // 1000)
            sequence = member % 1000
            number = identity_compose(county, birth, sequence)
            key_id, ciphertext = identity_encrypt(number)
            name = SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))]
            persons.append(
                (
                    person_id,
                    household_id - 1,
                    RELATIONS[member % 3],
                    name,
                    Sex.MALE if sequence % 2 else Sex.FEMALE,
                    birth,
                    village,
                    county,
                    key_id,
                    ciphertext,
                    identity_blind_index(number),
                    True,
                )
            )
            if years_with_projects:
                reached = 2 if rng.random() < 0.4 else 1
                for year in rng.sample(years_with_projects, min(reached, len(years_with_projects))):
                    items = county_projects[year]
                    project_id, _budget, _status, project_village = items[rng.randrange(len(items))]
                    benefits.append(
                        (
                            benefit_id,
                            person_id,
                            household_id - 1,
                            BenefitKind.PROJECT,
                            program.pk,
                            pairing,
                            project_id,
                            datetime.date(year, 10, 1),
                            year,
                            project_village,
                            county,
                            True,
                        )
                    )
                    benefit_id += 1
            person_id += 1
            if len(persons) >= PEOPLE_CHUNK:
                _flush_people(households, persons, benefits, progress)
    _flush_people(households, persons, benefits, progress)


def _flush_people(households: list[tuple], persons: list[tuple], benefits: list[tuple], progress: Progress) -> None:
    bulk_write(
        Household,
        [
            "id",
            "number",
            "village_id",
            "county_code",
            "head_id",
            "poverty_cause",
            "helper_name",
            "helper_organisation_id",
            "is_illustrative",
        ],
        households,
    )
    bulk_write(
        Person,
        [
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
        ],
        persons,
    )
    bulk_write(
        Benefit,
        [
            "id",
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
        ],
        benefits,
    )
    progress("persons", len(persons))
    households.clear()
    persons.clear()
    benefits.clear()
