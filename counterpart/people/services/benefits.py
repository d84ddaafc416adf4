"""Benefits: what a person received from a project, one and in bulk."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record, audit_record_bulk
from counterpart.core.errors import InvalidInput
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Pairing, Program

from ..models import (
    Benefit,
    BenefitKind,
    Household,
    JobPlacement,
    Person,
    StudentAid,
    Training,
)
from ..summary import beneficiary_summary_add, beneficiary_summary_refresh
from .checks import areas_check, program_pairing_check, program_year_check
from .staging import PERSON_LOAD_REBUILD_MIN_ROWS


def benefit_record(
    *,
    actor: Actor,
    program: Program,
    kind: str,
    date: datetime.date,
    person: Person | None = None,
    household: Household | None = None,
    project: Project | None = None,
    training: Training | None = None,
    student_aid: StudentAid | None = None,
    job_placement: JobPlacement | None = None,
    pairing: Pairing | None = None,
    area: Area | None = None,
    is_illustrative: bool = False,
) -> list[Benefit]:
    """Record that something reached a registered person, or every member of a household.

    Rule for households: a household benefit counts the household's members at the date it is
    recorded — one row per member, each naming the household — so members who join later are not
    counted retroactively, and every count stays COUNT(DISTINCT person).

    A project reaches a household, or a person on their own, once: recording the same one again for
    the same project is refused as a duplicate (whatever the date). A person the project reached
    through their household may still be recorded on their own; they are counted once either way.
    """
    if kind not in BenefitKind.values:
        raise InvalidInput("kind", kind, _("未知的受益类型"))
    if (person is None) == (household is None):
        raise InvalidInput("person", None, _("受益对象须为一个人或一户，二者选一"))
    targets: dict[str, object] = {
        BenefitKind.PROJECT: project,
        BenefitKind.TRAINING: training,
        BenefitKind.STUDENT_AID: student_aid,
        BenefitKind.JOB_PLACEMENT: job_placement,
    }
    if kind in targets and targets[kind] is None:
        raise InvalidInput(kind, None, _("请指明受益来源（项目、培训、助学或就业）"))
    if project is not None and project.program_id != program.id:
        raise InvalidInput("project", project.code, _("项目不属于该协作项目"))
    program_pairing_check(program, pairing)
    program_year_check(program, date.year, "date")
    if pairing is None and project is not None:
        pairing = project.pairing
    with transaction.atomic():
        if household is not None:
            members = list(household.members.all())
            if not members:
                raise InvalidInput("household", household.number, _("该户没有登记成员"))
        else:
            assert person is not None
            if person.household_id is None:
                raise InvalidInput("person", person.pk, _("受益对象须为建档立卡贫困户成员"))
            members = [person]
        # The places the benefit reaches: the project's area, and each member's (or ``area``).
        if project is not None:
            areas_check(
                actor=actor,
                verb="benefit_record",
                areas=[project.recipient_area_id],
                program=program.pk,
                pairing=pairing,
                field="project",
            )
        reached = [area.code] if area is not None else [member.area_id for member in members]
        field = "household" if household is not None else "person"
        areas_check(actor=actor, verb="benefit_record", areas=reached, program=program.pk, pairing=pairing, field=field)
        if project is not None:  # after the policy: a duplicate is news only to who may record it
            _benefit_duplicate_check(project, kind, household, person)
        benefits = []
        for member in members:
            where = area.code if area is not None else member.area_id
            benefits.append(
                Benefit(
                    person=member,
                    household=household,
                    kind=kind,
                    program=program,
                    pairing=pairing,
                    project=project,
                    training=training,
                    student_aid=student_aid,
                    job_placement=job_placement,
                    date=date,
                    year=date.year,
                    area_code=where,
                    # The person's county, wherever the benefit reached them: a benefit lives with its
                    # person (on Citus in the same shard, keyed (person_id, county_code); docs/scale.md).
                    county_code=member.county_code,
                    is_illustrative=is_illustrative,
                )
            )
        created = Benefit.objects.bulk_create(benefits)
        beneficiary_summary_add(created)
        audit_record(
            actor,
            "benefit.record",
            created[0],
            after={
                "kind": kind,
                "date": date.isoformat(),
                "persons": [b.person_id for b in created],
                "household": household.pk if household else None,
            },
        )
    return created


def _benefit_duplicate_check(project: Project, kind: str, household: Household | None, person: Person | None) -> None:
    """Refuse a household (or a person on their own) the project already reached. The household's
    (or person's) row is locked first, so that two clerks sending the same form at once record it once —
    FOR NO KEY UPDATE: a plain FOR UPDATE also blocks the key-share lock every benefit's foreign key takes,
    and a bulk load holding a summary row it waits for deadlocked with it (the PostgreSQL clerks' test)."""
    recorded = Benefit.objects.filter(project=project, kind=kind)
    if household is not None:
        Household.objects.select_for_update(no_key=True).filter(
            pk=household.pk, county_code=household.county_code
        ).first()
        if recorded.filter(household=household).exists():
            raise InvalidInput("household", household.number, _("该户已记录为本项目的受益户，不能重复记录"))
    elif person is not None:
        Person.objects.select_for_update(no_key=True).filter(pk=person.pk, county_code=person.county_code).first()
        if recorded.filter(person=person, household__isnull=True).exists():
            raise InvalidInput("person", person.pk, _("此人已记录为本项目的受益人，不能重复记录"))


@dataclass(frozen=True)
class BenefitRow:
    """One benefit of a bulk load (an importer's file, the benchmark): ids, not objects."""

    person_id: int
    area_code: str
    kind: str
    date: datetime.date
    project_id: int | None = None
    pairing_id: int | None = None
    household_id: int | None = None
    is_illustrative: bool = False


_BENEFIT_COPY_COLUMNS = (
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
)


def benefits_record_bulk(
    *, actor: Actor, program: Program, rows: Iterable[BenefitRow], source: str, batch_size: int = 50_000
) -> int:
    """Record many benefits of persons already registered, all or nothing (COPY on PostgreSQL)."""
    count = 0
    with transaction.atomic():
        batch: list[tuple[object, ...]] = []
        # The summary keys this load touches, gathered per batch so memory stays bounded.
        touched: set[tuple[int, int, str]] = set()

        def flush() -> None:
            # Each benefit carries its person's county (see benefit_record), read once a batch.
            counties: dict[int, str] = {}
            ids = sorted({int(values[0]) for values in batch})  # type: ignore[call-overload]
            for start in range(0, len(ids), 20_000):
                counties.update(
                    Person.objects.filter(pk__in=ids[start : start + 20_000]).values_list("pk", "county_code")
                )
            for position, values in enumerate(batch):
                county = counties.get(values[0])  # type: ignore[call-overload]
                if county is None:
                    raise InvalidInput("person_id", values[0], _("没有该人员"))
                batch[position] = (*values[:9], county, *values[10:])
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    columns = ", ".join(_BENEFIT_COPY_COLUMNS)
                    with cursor.cursor.copy(f"COPY {Benefit._meta.db_table} ({columns}) FROM STDIN") as copy:
                        for values in batch:
                            copy.write_row(values)
            else:
                Benefit.objects.bulk_create(
                    [Benefit(**dict(zip(_BENEFIT_COPY_COLUMNS, values, strict=True))) for values in batch],
                    batch_size=2_000,
                )
            touched.update((program.pk, int(v[7]), str(v[9])) for v in batch)  # type: ignore[call-overload]
            batch.clear()

        years_checked: set[int] = set()
        areas_checked: set[str] = set()
        for row in rows:
            if row.kind not in BenefitKind.values:
                raise InvalidInput("kind", row.kind, _("未知的受益类型"))
            # The period lock is a query: asked once a year, not once a row (175,017 benefits took
            # 125.8 s asking it per row, 6.0 s asking it per year).
            if row.date.year not in years_checked:
                program_year_check(program, row.date.year, "date")
                years_checked.add(row.date.year)
            if row.area_code not in areas_checked:  # the policy, too, once an area
                areas_check(
                    actor=actor,
                    verb="benefits_record_bulk",
                    areas=[row.area_code],
                    program=program.pk,
                    field="area_code",
                )
                areas_checked.add(row.area_code)
            batch.append(
                (
                    row.person_id,
                    row.household_id,
                    row.kind,
                    program.pk,
                    row.pairing_id,
                    row.project_id,
                    row.date,
                    row.date.year,
                    row.area_code,
                    row.area_code[:6],
                    row.is_illustrative,
                )
            )
            count += 1
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        if connection.vendor == "postgresql" and count >= PERSON_LOAD_REBUILD_MIN_ROWS:
            # Recount the summary by the table as it now is, not by the statistics from before the
            # load (175,017 benefits into an empty table: 14.8 s without this, 6.0 s with it).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Benefit._meta.db_table}")
        beneficiary_summary_refresh(touched)
        audit_record_bulk(actor, "benefit.record_bulk", "people.benefit", after={"source": source, "rows": count})
    return count
