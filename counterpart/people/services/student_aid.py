"""Student aid: grants to pupils, one and by batch."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import LedgerTransaction
from counterpart.funds.services import ledger_disburse
from counterpart.registry.models import Area, Organisation, Pairing

from ..models import (
    Benefit,
    BenefitKind,
    Person,
    StudentAid,
)
from ..summary import beneficiary_summary_add
from .checks import areas_check, program_pairing_check, program_year_check


@dataclass(frozen=True)
class StudentAidRow:
    student: Person
    school_name: str
    amount_fen: int
    school: Organisation | None = None


def student_aid_grant_batch(
    *,
    actor: Actor,
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
    program_pairing_check(program, pairing)
    program_year_check(program, date.year, "date")
    with transaction.atomic():
        areas_check(
            actor=actor,
            verb="student_aid_grant_batch",
            areas=[grant.student.area_id for grant in grants],
            program=program.pk,
            pairing=pairing,
            field="student",
        )
        disbursement = ledger_disburse(
            actor=actor,
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
    *,
    actor: Actor,
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
        actor=actor,
        commitment=commitment,
        grants=[StudentAidRow(student=student, school_name=school_name, amount_fen=amount_fen, school=school)],
        date=date,
        pairing=pairing,
        is_illustrative=is_illustrative,
    )[0]
