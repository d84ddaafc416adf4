"""Writes for people: registry, benefits, trainings, student aid, secondments, villages.

Each service is atomic and audited. Identity numbers are validated (GB 11643), encrypted and
blind-indexed here and nowhere else; errors name them only masked.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor, audit_record, audit_record_bulk, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_disburse
from counterpart.projects.models import Project
from counterpart.registry.models import Area, AreaLevel, Organisation, Pairing, Program
from counterpart.registry.services import period_lock_check, period_lock_check_area

from .identity import (
    identity_blind_index,
    identity_current_key_id,
    identity_decrypt,
    identity_encrypt,
    identity_mask,
    identity_parse,
)
from .models import (
    Benefit,
    BenefitKind,
    ComponentStatus,
    Direction,
    Household,
    HouseholdStatus,
    JobPlacement,
    Person,
    PovertyCause,
    PovertyStatus,
    Relation,
    Secondment,
    SecondmentKind,
    Sex,
    StudentAid,
    Training,
    TrainingKind,
    TrainingParticipant,
    VillageAdvancement,
    VillageComponent,
    VillageComponentKind,
)
from .summary import beneficiary_summary_add, beneficiary_summary_keys_of, beneficiary_summary_refresh

REVEAL_PERMISSION = "people.reveal_identity"


def _year_check(program: Program, year: int, field: str = "year") -> None:
    if year < program.start_year or (program.end_year is not None and year > program.end_year):
        raise InvalidInput(field, year, _("年份不在协作项目的期限内"))
    period_lock_check(program, year, field=field)


def _pairing_check(program: Program, pairing: Pairing | None) -> None:
    if pairing is not None and pairing.program_id != program.id:
        raise InvalidInput("pairing", pairing.pk, _("结对关系不属于该协作项目"))


# --- households and persons -------------------------------------------------------------------


def household_check(number: str, village: Area, poverty_cause: str) -> None:
    """The rules a new household must meet (``household_register`` applies them; importers call them)."""
    if not (number or "").strip():
        raise InvalidInput("number", number, _("户编号不能为空"))
    if village.level != AreaLevel.VILLAGE:
        raise InvalidInput("village", village.code, _("贫困户所在地应为村级区划"))
    if poverty_cause not in PovertyCause.values:
        raise InvalidInput("poverty_cause", poverty_cause, _("未知的致贫原因"))


def household_register(
    actor: Actor,
    *,
    number: str,
    village: Area,
    poverty_cause: str,
    year: int,
    helper_name: str = "",
    helper_organisation: Organisation | None = None,
    is_illustrative: bool = False,
) -> Household:
    """Register a poor household in a village, with status "registered" from ``year``."""
    number = (number or "").strip()
    household_check(number, village, poverty_cause)
    with transaction.atomic():
        if Household.objects.filter(number=number).exists():
            raise InvalidInput("number", number, _("该户编号已存在"))
        household = Household.objects.create(
            number=number,
            village=village,
            county_code=village.code[:6],
            poverty_cause=poverty_cause,
            helper_name=helper_name.strip(),
            helper_organisation=helper_organisation,
            is_illustrative=is_illustrative,
        )
        HouseholdStatus.objects.create(
            household=household, year=year, status=PovertyStatus.REGISTERED, county_code=household.county_code
        )
        audit_record(actor, "household.register", household)
    return household


@dataclass(frozen=True)
class HouseholdRow:
    number: str
    village: Area
    poverty_cause: str
    helper_name: str = ""
    is_illustrative: bool = False


def households_register_bulk(actor: Actor, rows: Sequence[HouseholdRow], *, year: int, source: str) -> int:
    """Register many households (status "registered" from ``year``), all or nothing, one audit event."""
    numbers = set()
    for line, row in enumerate(rows, start=1):
        if not row.number.strip() or row.number in numbers:
            raise InvalidInput(f"row {line}", row.number, _("户编号为空或重复"))
        numbers.add(row.number)
        if row.village.level != AreaLevel.VILLAGE:
            raise InvalidInput(f"row {line}", row.village.code, _("贫困户所在地应为村级区划"))
        if row.poverty_cause not in PovertyCause.values:
            raise InvalidInput(f"row {line}", row.poverty_cause, _("未知的致贫原因"))
    with transaction.atomic():
        existing = Household.objects.filter(number__in=sorted(numbers)).values_list("number", flat=True)[:1]
        for number in existing:
            raise InvalidInput("number", number, _("该户编号已存在"))
        Household.objects.bulk_create(
            [
                Household(
                    number=row.number.strip(),
                    village=row.village,
                    county_code=row.village.code[:6],
                    poverty_cause=row.poverty_cause,
                    helper_name=row.helper_name.strip(),
                    is_illustrative=row.is_illustrative,
                )
                for row in rows
            ],
            batch_size=2_000,
        )
        created = Household.objects.filter(number__in=sorted(numbers)).values_list("pk", "county_code")
        HouseholdStatus.objects.bulk_create(
            [
                HouseholdStatus(household_id=pk, year=year, status=PovertyStatus.REGISTERED, county_code=county)
                for pk, county in created
            ],
            batch_size=2_000,
        )
        audit_record_bulk(
            actor, "household.register_bulk", "people.household", after={"source": source, "rows": len(rows)}
        )
    return len(rows)


def household_status_set(actor: Actor, household: Household, *, year: int, status: str) -> HouseholdStatus:
    """Record a household's status for a year (lifted out, returned, registered)."""
    if status not in PovertyStatus.values:
        raise InvalidInput("status", status, _("未知的贫困状态"))
    with transaction.atomic():
        period_lock_check_area(household.village_id, year)
        record, created = HouseholdStatus.objects.get_or_create(
            household=household, year=year, defaults={"status": status, "county_code": household.county_code}
        )
        before = None if created else snapshot(record)
        if not created:
            record.status = status
            record.save(update_fields=["status"])
        audit_record(actor, "household.status_set", record, before=before)
    return record


@dataclass(frozen=True)
class PersonRow:
    """One person to register (single or bulk). ``identity_number`` is held only until encrypted."""

    name: str
    sex: str
    area: Area
    birth_date: datetime.date | None = None
    identity_number: str | None = None
    household: Household | None = None
    relation: str = Relation.NONE
    is_illustrative: bool = False

    def __repr__(self) -> str:
        return f"PersonRow({self.name!r}, {identity_mask(self.identity_number)})"


def _person_build(row: PersonRow, field: str = "identity_number") -> Person:
    """Validate one row and build the unsaved Person, with the number encrypted and indexed."""
    if not row.name.strip():
        raise InvalidInput("name", row.name, _("姓名不能为空"))
    if row.sex not in Sex.values:
        raise InvalidInput("sex", row.sex, _("未知的性别"))
    if row.relation not in Relation.values:
        raise InvalidInput("relation", row.relation, _("未知的与户主关系"))
    if row.household is not None and row.relation == Relation.NONE:
        raise InvalidInput("relation", row.relation, _("贫困户成员须填写与户主关系"))
    if row.household is None and row.relation != Relation.NONE:
        raise InvalidInput("relation", row.relation, _("不属于贫困户的人员不能填写与户主关系"))
    if row.household is not None and not row.identity_number:
        raise InvalidInput("identity_number", "", _("建档立卡贫困人口必须登记身份证号码"))
    area = row.household.village if row.household is not None else row.area
    if area.level not in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE):
        raise InvalidInput("area", area.code, _("人员所在地应为县、乡或村级区划"))
    birth_date = row.birth_date
    person = Person(
        household=row.household,
        relation=row.relation,
        name=row.name.strip(),
        sex=row.sex,
        area=area,
        county_code=area.code[:6],
        is_illustrative=row.is_illustrative,
    )
    if row.identity_number:
        identity = identity_parse(row.identity_number, field)
        if birth_date is not None and birth_date != identity.birth_date:
            raise InvalidInput(field, identity.masked, _("出生日期与身份证号码不一致"))
        if identity.is_male != (row.sex == Sex.MALE):
            raise InvalidInput(field, identity.masked, _("性别与身份证号码不一致"))
        birth_date = identity.birth_date
        person.identity_key_id, person.identity_ciphertext = identity_encrypt(identity.number)
        person.identity_blind_index = identity_blind_index(identity.number)
    person.birth_date = birth_date
    return person


def person_check(row: PersonRow, field: str = "identity_number") -> Person:
    """Every rule ``person_register`` applies to a row, without writing: the unsaved Person.

    Importers call it while validating a file, so a file is refused by exactly the rules that
    would refuse the same person entered on a page.
    """
    return _person_build(row, field)


def _duplicate_error(field: str, number: str | None) -> InvalidInput:
    return InvalidInput(field, identity_mask(number), _("该身份证号码已登记，不能重复登记"))


def person_register(actor: Actor, row: PersonRow) -> Person:
    """Register one person. A number already registered is refused (by its blind index)."""
    person = _person_build(row)
    with transaction.atomic():
        if (
            person.identity_blind_index
            and Person.objects.filter(identity_blind_index=person.identity_blind_index).exists()
        ):
            raise _duplicate_error("identity_number", row.identity_number)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            # A concurrent registration of the same number won the race.
            raise _duplicate_error("identity_number", row.identity_number) from None
        if row.relation == Relation.HEAD and row.household is not None:
            Household.objects.filter(pk=row.household.pk).update(head=person)
            row.household.head = person
        audit_record(actor, "person.register", person)
    return person


_PERSON_COPY_COLUMNS = (
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
)


def _copy_persons(people: Sequence[Person]) -> None:
    """PostgreSQL COPY of validated, encrypted rows (binary-safe: ciphertext as bytea)."""
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor
        table = Person._meta.db_table
        with raw.copy(f"COPY {table} ({', '.join(_PERSON_COPY_COLUMNS)}) FROM STDIN") as copy:
            for p in people:
                copy.write_row(
                    (
                        p.household_id,
                        p.relation,
                        p.name,
                        p.sex,
                        p.birth_date,
                        p.area_id,
                        p.county_code,
                        p.identity_key_id,
                        p.identity_ciphertext,
                        p.identity_blind_index,
                        p.is_illustrative,
                    )
                )


def persons_register_bulk(actor: Actor, rows: Iterable[PersonRow], *, source: str, batch_size: int = 20_000) -> int:
    """Register many persons, all or nothing: every number validated, encrypted and indexed.

    Rows are written with COPY on PostgreSQL and bulk INSERTs elsewhere. A number given twice (in
    the file or already registered) is refused by the unique blind index, naming the row number
    and the masked number only. Rows with relation head become their household's head.
    """
    count = 0
    with transaction.atomic():
        batch: list[Person] = []
        numbers: dict[str, tuple[int, str | None]] = {}

        def flush() -> None:
            indexes = [p.identity_blind_index for p in batch if p.identity_blind_index]
            clash = Person.objects.filter(identity_blind_index__in=indexes).values_list(
                "identity_blind_index", flat=True
            )[:1]
            for index in clash:
                line, number = numbers[str(index)]
                raise _duplicate_error(f"row {line}", number)
            try:
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        _copy_persons(batch)
                    else:
                        Person.objects.bulk_create(batch, batch_size=2_000)
            except IntegrityError:
                raise InvalidInput("identity_number", "", _("批量登记中有重复的身份证号码")) from None
            batch.clear()
            numbers.clear()

        seen: set[str] = set()
        heads: set[int] = set()
        for line, row in enumerate(rows, start=1):
            person = _person_build(row, f"row {line}")
            if row.relation == Relation.HEAD and row.household is not None:
                heads.add(row.household.pk)
            if person.identity_blind_index:
                if person.identity_blind_index in seen:
                    raise _duplicate_error(f"row {line}", row.identity_number)
                seen.add(person.identity_blind_index)
                numbers[person.identity_blind_index] = (line, row.identity_number)
            batch.append(person)
            count += 1
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        if heads:
            # The head of each household just given one: a single UPDATE, not one per row.
            Household.objects.filter(pk__in=heads).update(
                head=Subquery(
                    Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD)
                    .order_by("id")
                    .values("pk")[:1]
                )
            )
        audit_record_bulk(actor, "person.register_bulk", "people.person", after={"source": source, "rows": count})
    return count


def person_identity_reveal(actor: Actor, person: Person, *, reason: str) -> str:
    """The clear identity number, for a user allowed to see it, with the reason audited.

    Refused without the ``people.reveal_identity`` permission or without a reason. The audit event
    records who, when, whose and why — never the number.
    """
    if actor.user is None or not actor.user.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("无权查看完整身份证号码"))
    if not (reason or "").strip():
        raise InvalidInput("reason", reason, _("查看完整身份证号码必须说明原因"))
    if person.identity_ciphertext is None:
        raise InvalidInput("person", person.pk, _("该人员未登记身份证号码"))
    with transaction.atomic():
        audit_record(actor, "person.reveal_identity", person, reason=reason.strip())
        return identity_decrypt(person.identity_key_id, person.identity_ciphertext)


def persons_identity_rekey(actor: Actor, *, batch_size: int = 5_000, key_id: str | None = None) -> int:
    """Re-encrypt every identity number not under the current key; the blind index is unchanged.

    Works in batches, each its own transaction, so a run over tens of millions of rows can be
    stopped and resumed; returns how many rows were re-encrypted.
    """
    target = key_id or identity_current_key_id()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.select_for_update()
                .filter(identity_ciphertext__isnull=False)
                .exclude(identity_key_id=target)
                .order_by("id")
                .only("id", "identity_key_id", "identity_ciphertext")[:batch_size]
            )
            if not batch:
                break
            for person in batch:
                number = identity_decrypt(person.identity_key_id, person.identity_ciphertext)  # type: ignore[arg-type]
                person.identity_key_id, person.identity_ciphertext = identity_encrypt(number, target)
            Person.objects.bulk_update(batch, ["identity_key_id", "identity_ciphertext"])
            audit_record_bulk(
                actor, "person.identity_rekey", "people.person", after={"key_id": target, "rows": len(batch)}
            )
            total += len(batch)
    return total


# --- benefits ---------------------------------------------------------------------------------


def benefit_record(
    actor: Actor,
    *,
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
    _pairing_check(program, pairing)
    _year_check(program, date.year, "date")
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
                    county_code=where[:6],
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


# --- trainings --------------------------------------------------------------------------------


def training_check(
    *,
    program: Program,
    kind: str,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    pairing: Pairing | None = None,
    reported_participants: int | None = None,
    reported_placed: int | None = None,
) -> None:
    """The rules of a new course (``training_create`` applies them; importers call them first)."""
    if kind not in TrainingKind.values:
        raise InvalidInput("kind", kind, _("未知的培训类型"))
    if not title.strip():
        raise InvalidInput("title", title, _("培训名称不能为空"))
    if end_date < start_date:
        raise InvalidInput("end_date", end_date.isoformat(), _("结束日期早于开始日期"))
    _year_check(program, start_date.year, "start_date")
    _pairing_check(program, pairing)
    for field, value in (("reported_participants", reported_participants), ("reported_placed", reported_placed)):
        if value is not None and value < 0:
            raise InvalidInput(field, value, _("人数不能为负数"))
    if reported_participants is not None and reported_placed is not None and reported_placed > reported_participants:
        raise InvalidInput("reported_placed", reported_placed, _("就业人数不能多于参训人数"))


def training_create(
    actor: Actor,
    *,
    program: Program,
    kind: str,
    title: str,
    place: Area,
    start_date: datetime.date,
    end_date: datetime.date,
    organiser: Organisation | None = None,
    organiser_name: str = "",
    pairing: Pairing | None = None,
    project: Project | None = None,
    reported_participants: int | None = None,
    reported_placed: int | None = None,
    is_illustrative: bool = False,
) -> Training:
    """A training course; participants are added as persons, or known only as reported counts."""
    training_check(
        program=program,
        kind=kind,
        title=title,
        start_date=start_date,
        end_date=end_date,
        pairing=pairing,
        reported_participants=reported_participants,
        reported_placed=reported_placed,
    )
    target = Target(
        program=program.pk, area=place.code, donor_area=pairing.donor_area_id if pairing is not None else None
    )
    policy_check(actor, "training_create", target, area_field="place")
    with transaction.atomic():
        training = Training.objects.create(
            program=program,
            pairing=pairing,
            project=project,
            kind=kind,
            title=title.strip(),
            organiser=organiser,
            organiser_name=organiser_name.strip() or (organiser.name_zh if organiser else ""),
            place=place,
            start_date=start_date,
            end_date=end_date,
            year=start_date.year,
            reported_participants=reported_participants,
            reported_placed=reported_placed,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "training.create", training)
    return training


def training_participants_add(actor: Actor, training: Training, persons: Sequence[Person]) -> int:
    """Add registered persons to a course. Members of poor households get a training benefit;
    others (cadres, technicians) are trainees, not beneficiaries. Returns how many were added.

    Each person must be one the actor may name on a course of this program (the recipient office
    of their area, or the program office), and the course's year must be open."""
    for area in sorted({person.area_id for person in persons}):
        policy_check(
            actor, "training_participants_add", Target(program=training.program_id, area=area), area_field="person"
        )
    with transaction.atomic():
        period_lock_check(training.program_id, training.year, field="start_date")
        already = set(training.participants.values_list("person_id", flat=True))
        new = [p for p in dict.fromkeys(persons) if p.pk not in already]
        TrainingParticipant.objects.bulk_create([TrainingParticipant(training=training, person=p) for p in new])
        trained = Benefit.objects.bulk_create(
            [
                Benefit(
                    person=p,
                    kind=BenefitKind.TRAINING,
                    program_id=training.program_id,
                    pairing=training.pairing,
                    training=training,
                    date=training.start_date,
                    year=training.year,
                    area_code=p.area_id,
                    county_code=p.county_code,
                    is_illustrative=training.is_illustrative,
                )
                for p in new
                if p.household_id is not None
            ]
        )
        beneficiary_summary_add(trained)
        audit_record(
            actor, "training.participants_add", training, after={"added": len(new), "persons": [p.pk for p in new]}
        )
    return len(new)


def job_placement_record(
    actor: Actor,
    *,
    program: Program,
    person: Person,
    employer_name: str,
    place: Area,
    start_date: datetime.date,
    monthly_income_fen: int,
    training: Training | None = None,
    employer: Organisation | None = None,
    is_illustrative: bool = False,
) -> JobPlacement:
    """A labourer placed in a job; a member of a poor household also gets a job-placement benefit."""
    if not employer_name.strip():
        raise InvalidInput("employer_name", employer_name, _("用工单位不能为空"))
    if isinstance(monthly_income_fen, bool) or not isinstance(monthly_income_fen, int) or monthly_income_fen < 0:
        raise InvalidInput("monthly_income", monthly_income_fen, _("月收入必须是以分为单位的非负整数"))
    _year_check(program, start_date.year, "start_date")
    with transaction.atomic():
        placement = JobPlacement.objects.create(
            program=program,
            person=person,
            training=training,
            employer_name=employer_name.strip(),
            employer=employer,
            place=place,
            start_date=start_date,
            year=start_date.year,
            monthly_income_fen=monthly_income_fen,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "job_placement.record", placement)
        if person.household_id is not None:
            benefit_record(
                actor,
                program=program,
                kind=BenefitKind.JOB_PLACEMENT,
                date=start_date,
                person=person,
                job_placement=placement,
                pairing=training.pairing if training else None,
                area=person.area,
                is_illustrative=is_illustrative,
            )
    return placement


# --- student aid ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentAidRow:
    student: Person
    school_name: str
    amount_fen: int
    school: Organisation | None = None


def student_aid_grant_batch(
    actor: Actor,
    *,
    commitment: LedgerTransaction,
    grants: Sequence[StudentAidRow],
    date: datetime.date,
    pairing: Pairing | None = None,
    recipient_area: Area | None = None,
    is_illustrative: bool = False,
) -> list[StudentAid]:
    """Aid a list of poor students with one disbursement in the ledger, all or nothing.

    The aid rows, the disbursement of their total and the students' benefits are written in one
    transaction. The money is drawn from the commitment's unallocated balance (no project), so aid
    beyond what was committed is refused by the ledger and nothing is written.
    """
    program = commitment.program
    if not grants:
        raise InvalidInput("grants", 0, _("助学名单不能为空"))
    for grant in grants:
        if not grant.school_name.strip():
            raise InvalidInput("school_name", grant.school_name, _("学校名称不能为空"))
        if isinstance(grant.amount_fen, bool) or not isinstance(grant.amount_fen, int) or grant.amount_fen <= 0:
            raise InvalidInput("amount", grant.amount_fen, _("金额必须是以分为单位的正整数"))
    _pairing_check(program, pairing)
    _year_check(program, date.year, "date")
    with transaction.atomic():
        disbursement = ledger_disburse(
            actor,
            commitment=commitment,
            date=date,
            amount_fen=sum(grant.amount_fen for grant in grants),
            pairing=pairing,
            recipient_area=recipient_area or (grants[0].student.area if len(grants) == 1 else None),
            description=f"助学 student aid × {len(grants)}",
            is_illustrative=is_illustrative,
        )
        StudentAid.objects.bulk_create(
            [
                StudentAid(
                    program=program,
                    pairing=pairing,
                    student=grant.student,
                    school_name=grant.school_name.strip(),
                    school=grant.school,
                    year=date.year,
                    date=date,
                    amount_fen=grant.amount_fen,
                    ledger_transaction=disbursement,
                    county_code=grant.student.county_code,
                    is_illustrative=is_illustrative,
                )
                for grant in grants
            ]
        )
        aid = list(StudentAid.objects.filter(ledger_transaction=disbursement).select_related("student").order_by("id"))
        aided = Benefit.objects.bulk_create(
            [
                Benefit(
                    person=row.student,
                    kind=BenefitKind.STUDENT_AID,
                    program=program,
                    pairing=pairing,
                    student_aid=row,
                    date=date,
                    year=date.year,
                    area_code=row.student.area_id,
                    county_code=row.student.county_code,
                    is_illustrative=is_illustrative,
                )
                for row in aid
                if row.student.household_id is not None
            ]
        )
        beneficiary_summary_add(aided)
        audit_record(
            actor,
            "student_aid.grant",
            disbursement,
            after={"students": [row.student_id for row in aid], "total_fen": sum(row.amount_fen for row in aid)},
        )
    return aid


def student_aid_grant(
    actor: Actor,
    *,
    commitment: LedgerTransaction,
    student: Person,
    school_name: str,
    date: datetime.date,
    amount_fen: int,
    pairing: Pairing | None = None,
    school: Organisation | None = None,
    is_illustrative: bool = False,
) -> StudentAid:
    """Aid one poor student: the aid row, its own disbursement and the benefit, together."""
    return student_aid_grant_batch(
        actor,
        commitment=commitment,
        grants=[StudentAidRow(student=student, school_name=school_name, amount_fen=amount_fen, school=school)],
        date=date,
        pairing=pairing,
        is_illustrative=is_illustrative,
    )[0]


# --- secondments ------------------------------------------------------------------------------


def secondment_record(
    actor: Actor,
    *,
    program: Program,
    kind: str,
    direction: str,
    person_name: str,
    from_area: Area,
    to_area: Area,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    position: str = "",
    person: Person | None = None,
    from_organisation: Organisation | None = None,
    to_organisation: Organisation | None = None,
    pairing: Pairing | None = None,
    is_illustrative: bool = False,
) -> Secondment:
    """A cadre seconded or a professional sent, either way, for a period."""
    if kind not in SecondmentKind.values:
        raise InvalidInput("kind", kind, _("未知的挂职交流类型"))
    if direction not in Direction.values:
        raise InvalidInput("direction", direction, _("未知的派出方向"))
    if not person_name.strip():
        raise InvalidInput("person_name", person_name, _("姓名不能为空"))
    if end_date is not None and end_date < start_date:
        raise InvalidInput("end_date", end_date.isoformat(), _("结束日期早于开始日期"))
    _pairing_check(program, pairing)
    with transaction.atomic():
        period_lock_check(program, start_date.year, field="start_date")
        secondment = Secondment.objects.create(
            program=program,
            pairing=pairing,
            kind=kind,
            direction=direction,
            person=person,
            person_name=person_name.strip(),
            position=position.strip(),
            from_area=from_area,
            to_area=to_area,
            from_organisation=from_organisation,
            to_organisation=to_organisation,
            start_date=start_date,
            end_date=end_date,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "secondment.record", secondment)
    return secondment


# --- village advancement ----------------------------------------------------------------------


def village_advancement_start(
    actor: Actor,
    *,
    program: Program,
    village: Area,
    start_year: int,
    pairing: Pairing | None = None,
    is_illustrative: bool = False,
) -> VillageAdvancement:
    """Take on a development-oriented village: its five components start as planned."""
    if village.level != AreaLevel.VILLAGE:
        raise InvalidInput("village", village.code, _("整村推进的对象应为村级区划"))
    _year_check(program, start_year, "start_year")
    _pairing_check(program, pairing)
    with transaction.atomic():
        if VillageAdvancement.objects.filter(program=program, village=village).exists():
            raise InvalidInput("village", village.code, _("该村已列入本协作项目的整村推进"))
        advancement = VillageAdvancement.objects.create(
            program=program,
            village=village,
            county_code=village.code[:6],
            pairing=pairing,
            start_year=start_year,
            is_illustrative=is_illustrative,
        )
        VillageComponent.objects.bulk_create(
            [VillageComponent(advancement=advancement, component=kind) for kind in VillageComponentKind.values]
        )
        audit_record(actor, "village_advancement.start", advancement)
    return advancement


def village_component_update(
    actor: Actor,
    advancement: VillageAdvancement,
    component: str,
    *,
    status: str,
    completed_on: datetime.date | None = None,
    evidence: str | None = None,
    projects: Sequence[Project] = (),
) -> VillageComponent:
    """Set one component's status (complete needs a date), evidence and the projects that delivered it."""
    if component not in VillageComponentKind.values:
        raise InvalidInput("component", component, _("未知的整村推进内容"))
    if status not in ComponentStatus.values:
        raise InvalidInput("status", status, _("未知的完成状态"))
    if status == ComponentStatus.COMPLETE and completed_on is None:
        raise InvalidInput("completed_on", None, _("已完成的内容须填写完成日期"))
    for project in projects:
        if project.program_id != advancement.program_id:
            raise InvalidInput("projects", project.code, _("项目不属于该协作项目"))
        if not advancement.village_id.startswith(project.recipient_area_id):
            raise InvalidInput("projects", project.code, _("项目地点不包含该村"))
    with transaction.atomic():
        years = {completed_on.year} if completed_on is not None else set()
        record = VillageComponent.objects.select_for_update().get(advancement=advancement, component=component)
        if record.completed_on is not None:
            years.add(record.completed_on.year)  # un-completing a component changes its year too
        period_lock_check(advancement.program_id, *years, field="completed_on")
        before = snapshot(record)
        record.status = status
        record.completed_on = completed_on if status == ComponentStatus.COMPLETE else None
        if evidence is not None:
            record.evidence = evidence
        record.save(update_fields=["status", "completed_on", "evidence"])
        if projects:
            record.projects.add(*projects)
        audit_record(actor, "village_component.update", record, before=before)
    return record


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
    actor: Actor, program: Program, rows: Iterable[BenefitRow], *, source: str, batch_size: int = 50_000
) -> int:
    """Record many benefits of persons already registered, all or nothing (COPY on PostgreSQL)."""
    count = 0
    with transaction.atomic():
        batch: list[tuple[object, ...]] = []
        # The summary keys this load touches, gathered per batch so memory stays bounded.
        touched: set[tuple[int, int, str]] = set()

        def flush() -> None:
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
            touched.update(beneficiary_summary_keys_of(program.pk, {(v[0], v[7]) for v in batch}))  # type: ignore[misc]
            batch.clear()

        years_checked: set[int] = set()
        for row in rows:
            if row.kind not in BenefitKind.values:
                raise InvalidInput("kind", row.kind, _("未知的受益类型"))
            # The period lock is a query: asked once a year, not once a row (175,017 benefits took
            # 125.8 s asking it per row, 6.0 s asking it per year).
            if row.date.year not in years_checked:
                _year_check(program, row.date.year, "date")
                years_checked.add(row.date.year)
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


def persons_identity_export_authorise(actor: Actor, *, count: int, reason: str, filters: dict[str, str]) -> None:
    """Allow one export of a list of persons with clear identity numbers, auditing who, why, which list.

    The same rules as ``person_identity_reveal``: the ``people.reveal_identity`` permission and a
    reason; the event records the list's filters and how many persons it held, never a number.
    """
    if actor.user is None or not actor.user.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("无权查看完整身份证号码"))
    if not (reason or "").strip():
        raise InvalidInput("reveal_reason", reason, _("导出完整身份证号码必须说明原因"))
    with transaction.atomic():
        audit_record_bulk(
            actor,
            "person.export_identity",
            "people.person",
            after={"count": count, "filters": filters},
            reason=reason.strip(),
        )


# --- corrections an import (or a page) may make -----------------------------------------------

HOUSEHOLD_EDITABLE_FIELDS = ("poverty_cause", "helper_name")
PERSON_EDITABLE_FIELDS = ("name", "relation")
TRAINING_EDITABLE_FIELDS = ("end_date", "organiser_name", "reported_participants", "reported_placed")


def household_update(actor: Actor, household: Household, *, reason: str = "", **changes: object) -> Household:
    """Correct a household's cause of poverty or helper. Its number and village identify it."""
    unknown = set(changes) - set(HOUSEHOLD_EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(name, changes[name], _("该项不能修改"))
    if "poverty_cause" in changes and changes["poverty_cause"] not in PovertyCause.values:
        raise InvalidInput("poverty_cause", changes["poverty_cause"], _("未知的致贫原因"))
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        before = snapshot(household)
        for name, value in changes.items():
            setattr(household, name, str(value or "").strip() if name == "helper_name" else value)
        household.save(update_fields=list(changes))
        audit_record(actor, "household.update", household, before=before, reason=reason)
    return household


def person_update(actor: Actor, person: Person, *, reason: str = "", **changes: object) -> Person:
    """Correct a person's name or relation to the household head; the identity number is fixed."""
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(name, changes[name], _("该项不能修改"))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = snapshot(person)
        name = str(changes.get("name", person.name) or "").strip()
        relation = str(changes.get("relation", person.relation))
        if not name:
            raise InvalidInput("name", name, _("姓名不能为空"))
        if relation not in Relation.values:
            raise InvalidInput("relation", relation, _("未知的与户主关系"))
        if (person.household_id is None) != (relation == Relation.NONE):
            message = (
                _("贫困户成员须填写与户主关系") if person.household_id else _("不属于贫困户的人员不能填写与户主关系")
            )
            raise InvalidInput("relation", relation, message)
        person.name, person.relation = name, relation
        person.save(update_fields=["name", "relation"])
        if relation == Relation.HEAD and person.household_id is not None:
            Household.objects.filter(pk=person.household_id).update(head=person)
        audit_record(actor, "person.update", person, before=before, reason=reason)
    return person


def training_update(actor: Actor, training: Training, *, reason: str = "", **changes: object) -> Training:
    """Correct a course's end date, organiser's name or reported counts (its program, kind, title
    and start date identify it)."""
    unknown = set(changes) - set(TRAINING_EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(name, changes[name], _("该项不能修改"))
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        period_lock_check(training.program_id, training.year, field="start_date")
        before = snapshot(training)
        for name, value in changes.items():
            setattr(training, name, str(value or "").strip() if name == "organiser_name" else value)
        if training.end_date < training.start_date:
            raise InvalidInput("end_date", training.end_date.isoformat(), _("结束日期早于开始日期"))
        for name in ("reported_participants", "reported_placed"):
            value = getattr(training, name)
            if value is not None and value < 0:
                raise InvalidInput(name, value, _("人数不能为负数"))
        participants, placed = training.reported_participants, training.reported_placed
        if participants is not None and placed is not None and placed > participants:
            raise InvalidInput("reported_placed", placed, _("就业人数不能多于参训人数"))
        training.save(update_fields=list(changes))
        audit_record(actor, "training.update", training, before=before, reason=reason)
    return training


# --- persons from a staging table (the intake's bulk path on PostgreSQL) ----------------------
#
# A file of a million persons is checked row by row in Python (``person_check``'s rules, on the
# intake's fast path), its rows COPYed — encrypted and blind-indexed — into a per-batch staging
# table, and then checked and written here set-based: one statement per rule, one INSERT … SELECT
# and one UPDATE … FROM in the caller's transaction, one audit event for the whole load.

PERSON_STAGE_COLUMNS = (
    ("row_number", "integer NOT NULL"),
    ("household_number", "text NOT NULL"),
    ("relation", "text NOT NULL"),
    ("name", "text NOT NULL"),
    ("sex", "text NOT NULL"),
    ("birth_date", "date"),
    ("area_code", "text NOT NULL"),
    ("identity_key_id", "text NOT NULL"),
    ("identity_ciphertext", "bytea NOT NULL"),
    ("identity_blind_index", "text NOT NULL"),
    ("identity_masked", "text NOT NULL"),
)


@dataclass(frozen=True)
class StagedProblem:
    """A row of the staging table a set-based rule refuses: what the importer reports."""

    row_number: int
    field: str
    value: str
    rule: str


def _stage_sql(table: str) -> dict[str, str]:
    person, household, area = Person._meta.db_table, Household._meta.db_table, Area._meta.db_table
    return {
        "unknown_household": f"""
            SELECT s.row_number, 'household_number', s.household_number FROM {table} s
            WHERE s.household_number <> ''
              AND NOT EXISTS (SELECT 1 FROM {household} h WHERE h.number = s.household_number)""",
        "unknown_area": f"""
            SELECT s.row_number, 'area', s.area_code FROM {table} s
            WHERE s.household_number = ''
              AND NOT EXISTS (SELECT 1 FROM {area} a WHERE a.code = s.area_code)""",
        "duplicate": f"""
            SELECT row_number, 'identity_number', identity_masked FROM (
                SELECT row_number, identity_masked,
                       row_number() OVER (PARTITION BY identity_blind_index ORDER BY row_number) AS nth
                FROM {table}) d
            WHERE nth > 1""",
        "moved": f"""
            SELECT s.row_number, 'household_number', s.household_number FROM {table} s
            JOIN {person} p ON p.identity_blind_index = s.identity_blind_index
            LEFT JOIN {household} h ON h.id = p.household_id
            WHERE COALESCE(h.number, '') <> s.household_number
               OR (s.household_number = '' AND p.area_id <> s.area_code)""",
    }


def persons_stage_problems(table: str, *, limit: int = 1000) -> tuple[list[StagedProblem], int]:
    """The rows the set-based rules refuse (first ``limit`` in row order) and how many there are.

    Rules: a household number must exist; a person outside a household must be in a known area;
    an identity number may appear once in a file; a person already registered may not move to
    another household or area through an import (their name and relation may be corrected).
    """
    queries = _stage_sql(table)
    union = " UNION ALL ".join(f"SELECT q.*, '{name}' FROM ({sql}) q" for name, sql in queries.items())
    with connection.cursor() as cursor:
        # One pass over the rules (the count rides along on each row kept), not one to count and one to list.
        cursor.execute(f"SELECT u.*, count(*) OVER () FROM ({union}) u ORDER BY 1 LIMIT %s", [limit])
        found = cursor.fetchall()
    problems = [StagedProblem(row, field, value, rule) for row, field, value, rule, _total in found]
    return problems, found[0][4] if found else 0


def persons_stage_messages() -> dict[str, str]:
    """What each set-based rule's refusal says, in the active language."""
    return {
        "unknown_household": _("没有该户编号的贫困户"),
        "unknown_area": _("没有该行政区划"),
        "duplicate": _("该身份证号码与文件中前面的某一行重复"),
        "moved": _("已登记人员的所在户或所在地不能通过导入修改"),
    }


def persons_stage_classify(table: str) -> tuple[int, int, int]:
    """(new, changed, unchanged) rows of a checked staging table, by identity number."""
    person = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FILTER (WHERE p.id IS NULL),
                       count(*) FILTER (WHERE p.id IS NOT NULL AND (p.name, p.relation) <> (s.name, s.relation)),
                       count(*) FILTER (WHERE p.id IS NOT NULL AND (p.name, p.relation) = (s.name, s.relation))
                FROM {table} s LEFT JOIN {person} p ON p.identity_blind_index = s.identity_blind_index"""
        )
        new, changed, unchanged = cursor.fetchone()
    return new, changed, unchanged


# A load at least as large as the table it goes into is written the way pg_restore writes one:
# the secondary indexes are dropped and rebuilt once, sorted, and the two foreign keys are dropped
# and added back, which checks every row in one join instead of two deferred triggers per row at
# COMMIT. All of it is in the load's transaction, which holds people_person exclusively from the
# first DROP to the COMMIT: no other session ever sees the table without its indexes or its
# constraints, adding a key back fails (and rolls the load back) if a row has no referenced row,
# and a rollback or a kill restores everything. A smaller load keeps the table readable and pays
# per row instead.
PERSON_LOAD_REBUILD_MIN_ROWS = 10_000


def _person_load_begin(cursor: Any, new: int) -> tuple[list[str], list[tuple[str, str]]] | None:
    """Drop people_person's secondary indexes and foreign keys for a large load; what to restore."""
    person = Person._meta.db_table
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {person}")  # at least the row count, from the key's index
    if new < max(PERSON_LOAD_REBUILD_MIN_ROWS, cursor.fetchone()[0]):
        return None
    cursor.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY 1""",
        [person],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname""",
        [person],
    )
    keys = cursor.fetchall()
    try:
        # Fails on "pending trigger events" when this transaction already wrote persons
        # (deferred checks queued): then the load takes the per-row path.
        with transaction.atomic():
            for name, _definition in keys:
                cursor.execute(f'ALTER TABLE {person} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
    except DatabaseError:
        return None
    return [definition for _name, definition in indexes], keys


def _person_load_end(cursor: Any, rebuilt: tuple[list[str], list[tuple[str, str]]]) -> None:
    person = Person._meta.db_table
    indexes, keys = rebuilt
    for definition in indexes:
        cursor.execute(definition)
    if keys:
        cursor.execute(
            f"ALTER TABLE {person} " + ", ".join(f'ADD CONSTRAINT "{name}" {definition}' for name, definition in keys)
        )


def persons_stage_apply(actor: Actor, table: str, *, source: str) -> tuple[int, int, int]:
    """Write a checked staging table: register the new persons, correct the changed ones.

    Must run inside the caller's transaction (all or nothing with the batch that loaded it) after
    ``persons_stage_problems`` found nothing. Returns (new, changed, unchanged). Heads of
    households named in the file become their household's head; one audit event for the load.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("persons_stage_apply must run inside transaction.atomic()")
    person, household = Person._meta.db_table, Household._meta.db_table
    with connection.cursor() as cursor:
        # Other writers of persons wait until this load commits, so the classification holds.
        cursor.execute(f"LOCK TABLE {person} IN SHARE ROW EXCLUSIVE MODE")
        # The load sorts and hashes a million rows at once: let it do so in memory, for this transaction.
        cursor.execute("SET LOCAL work_mem = '256MB'")
    new, changed, unchanged = persons_stage_classify(table)
    with connection.cursor() as cursor:
        rebuilt = _person_load_begin(cursor, new) if new else None
        cursor.execute(
            f"""INSERT INTO {person} (household_id, relation, name, sex, birth_date, area_id, county_code,
                                      identity_key_id, identity_ciphertext, identity_blind_index, is_illustrative)
                SELECT h.id, s.relation, s.name, s.sex, s.birth_date, COALESCE(h.village_id, s.area_code),
                       left(COALESCE(h.village_id, s.area_code), 6), s.identity_key_id, s.identity_ciphertext,
                       s.identity_blind_index, false
                FROM {table} s LEFT JOIN {household} h ON h.number = s.household_number AND s.household_number <> ''
                WHERE NOT EXISTS (SELECT 1 FROM {person} p WHERE p.identity_blind_index = s.identity_blind_index)
                ORDER BY s.row_number"""
        )
        inserted = cursor.rowcount
        if rebuilt is not None:
            _person_load_end(cursor, rebuilt)
        if inserted >= PERSON_LOAD_REBUILD_MIN_ROWS:
            # Plan the head update by the table as it now is: with the statistics of the table before
            # the load it walks the primary key for each household (ORDER BY id LIMIT 1), which for a
            # million new rows takes hours instead of seconds.
            cursor.execute(f"ANALYZE {person}")
        cursor.execute(
            f"""UPDATE {person} p SET name = s.name, relation = s.relation FROM {table} s
                WHERE p.identity_blind_index = s.identity_blind_index
                  AND (p.name, p.relation) <> (s.name, s.relation)"""
        )
        updated = cursor.rowcount
        cursor.execute(
            f"""UPDATE {household} h SET head_id = (
                    SELECT p.id FROM {person} p WHERE p.household_id = h.id AND p.relation = %s ORDER BY p.id LIMIT 1)
                WHERE h.number IN (SELECT household_number FROM {table} WHERE relation = %s)""",
            [Relation.HEAD.value, Relation.HEAD.value],
        )
    if (inserted, updated) != (new, changed):
        # Another session registered or changed some of these persons since they were classified.
        raise InvalidInput("identity_number", "", _("导入期间人员登记发生了变化，请重新导入"))
    audit_record_bulk(
        actor,
        "person.import_bulk",
        "people.person",
        after={"source": source, "new": new, "changed": changed, "unchanged": unchanged},
    )
    return new, changed, unchanged
