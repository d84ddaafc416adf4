"""Trainings, their participants and job placements."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.access.policy import Target, policy_check
from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Organisation, Pairing, Program
from counterpart.registry.services import period_lock_check

from ..models import (
    Benefit,
    BenefitKind,
    JobPlacement,
    Person,
    Training,
    TrainingKind,
    TrainingParticipant,
)
from ..summary import beneficiary_summary_add
from .benefits import benefit_record
from .checks import areas_check, program_pairing_check, program_year_check


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
    program_year_check(program, start_date.year, "start_date")
    program_pairing_check(program, pairing)
    for field, value in (("reported_participants", reported_participants), ("reported_placed", reported_placed)):
        if value is not None and value < 0:
            raise InvalidInput(field, value, _("人数不能为负数"))
    if reported_participants is not None and reported_placed is not None and reported_placed > reported_participants:
        raise InvalidInput("reported_placed", reported_placed, _("就业人数不能多于参训人数"))


def training_create(
    *,
    actor: Actor,
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


def training_participants_add(*, actor: Actor, training: Training, persons: Sequence[Person]) -> int:
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
    *,
    actor: Actor,
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
    program_year_check(program, start_date.year, "start_date")
    with transaction.atomic():
        areas_check(
            actor=actor,
            verb="job_placement_record",
            areas=[person.area_id],
            program=program.pk,
            pairing=training.pairing if training else None,
            field="person",
        )
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
                actor=actor,
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


TRAINING_EDITABLE_FIELDS = ("end_date", "organiser_name", "reported_participants", "reported_placed")


def training_update(*, actor: Actor, training: Training, reason: str = "", **changes: object) -> Training:
    """Correct a course's end date, organiser's name or reported counts (its program, kind, title
    and start date identify it)."""
    unknown = set(changes) - set(TRAINING_EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(name, changes[name], _("该项不能修改"))
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        areas_check(
            actor=actor,
            verb="training_update",
            areas=[training.place_id],
            program=training.program_id,
            pairing=training.pairing,
            field="place",
        )
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


#
# A file of a million persons is checked row by row in Python (``person_check``'s rules, on the
# intake's fast path), its rows COPYed — encrypted and blind-indexed — into a per-batch staging
# table, and then checked and written here set-based: one statement per rule, one INSERT … SELECT
# and one UPDATE … FROM in the caller's transaction, one audit event for the whole load.
