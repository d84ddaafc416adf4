"""Trainings (培训班), their participants (参训人员) and student aid (助学), through the people services.

Participants and aided students are registered persons, named by identity number (``sensitive``:
masked in exports). A masked number from an export is matched among the course's participants
(or the date's aided students) whose number masks the same, so an export re-imports unchanged.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.funds.models import LedgerTransaction, TransactionKind
from counterpart.people.identity import (
    identity_blind_index,
    identity_decrypt,
    identity_mask,
    identity_normalise,
    identity_parse,
)
from counterpart.people.models import Person, StudentAid, Training, TrainingKind, TrainingParticipant
from counterpart.people.services import (
    TRAINING_EDITABLE_FIELDS,
    StudentAidRow,
    student_aid_grant_batch,
    training_check,
    training_create,
    training_participants_add,
    training_update,
)
from counterpart.projects.models import Project
from counterpart.registry.models import Program

from ..kinds import Column, ColumnType, ImportContext, Key, Kind, Row, choices_from, export_scope, kind_register


def person_named(identity_raw: str, context: ImportContext, masked_among: Any = None, name: str = "") -> Person:
    """The registered person an identity number names; a masked one is looked for in ``masked_among``."""
    identity = identity_normalise(identity_raw)
    if "*" in identity:
        candidates = [] if masked_among is None else list(masked_among.exclude(identity_ciphertext=None))
        found = [
            person
            for person in candidates
            if identity_mask(identity_decrypt(person.identity_key_id, person.identity_ciphertext)) == identity
            and (not name or person.name == name)
        ]
        if len(found) != 1:
            raise InvalidInput(
                "identity_number", identity, _("打码的身份证号码对应不到唯一的已登记人员，请填写完整号码")
            )
        return found[0]
    parsed = identity_parse(identity, "identity_number")
    index = identity_blind_index(parsed.number)
    person = context.ref(("person", index), Person.objects.filter(identity_blind_index=index).first)
    if person is None:
        raise InvalidInput("identity_number", parsed.masked, _("没有该身份证号码的登记人员"))
    return person


class TrainingsKind(Kind):
    key = "trainings"
    depends_on = ("programs", "projects")
    verb = "training_create"
    name_zh = "培训班"
    name_en = "Trainings"
    natural_key = ("program", "kind", "title", "start_date")
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column(
            "kind",
            "培训类型",
            "Training kind",
            ColumnType.CHOICE,
            required=True,
            choices=choices_from(TrainingKind.choices),
        ),
        Column("title", "培训名称", "Title", required=True, max_length=200),
        Column("start_date", "开始日期", "Start date", ColumnType.DATE, required=True),
        Column("end_date", "结束日期", "End date", ColumnType.DATE, required=True),
        Column("place", "培训地点区划代码", "Place (area code)", ColumnType.AREA, required=True),
        Column("organiser_name", "主办单位", "Organiser", max_length=200),
        Column("project", "项目编号", "Project code", max_length=40),
        Column("reported_participants", "上报参训人数", "Participants (reported)", ColumnType.INTEGER),
        Column("reported_placed", "上报转移就业人数", "Placed in jobs (reported)", ColumnType.INTEGER),
    )
    instructions_zh = (
        "每行一个培训班；协作项目、培训类型、名称和开始日期唯一确定一个培训班。只知道人数时填写上报人数；"
        "有名单时另用“参训人员”模板。再次导入时，结束日期、主办单位和上报人数会被更新。"
    )
    instructions_en = (
        "One course per row; program, kind, title and start date identify it. Give reported counts when only "
        "numbers are known; lists of participants go in the participants template. Re-importing updates the end "
        "date, organiser and reported counts."
    )

    def _project(self, row: Row, context: ImportContext) -> Project | None:
        if not row["project"]:
            return None
        project = Project.objects.filter(program=context.program(row["program"]), code=row["project"]).first()
        if project is None:
            raise InvalidInput("project", row["project"], _("该协作项目中没有该项目编号"))
        return project

    def prepare(self, row: Row, context: ImportContext) -> None:
        context.area(row["place"], "place")
        self._project(row, context)
        training_check(
            program=context.program(row["program"]),
            kind=row["kind"],
            title=row["title"],
            start_date=row["start_date"],
            end_date=row["end_date"],
            reported_participants=row["reported_participants"],
            reported_placed=row["reported_placed"],
        )

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        wanted = set(keys)
        found: dict[Key, tuple[Model, Row]] = {}
        titles: dict[str, set[str]] = defaultdict(set)
        for key in keys:
            titles[key[0]].add(key[2])
        for slug, names in titles.items():
            program = context.program(slug)
            for training in Training.objects.filter(program=program, title__in=names).select_related("project"):
                row = self._row(training, slug)
                if self.key_of(row) in wanted:
                    found[self.key_of(row)] = (training, row)
        return found

    def _row(self, training: Training, slug: str) -> Row:
        return {
            "program": slug,
            "kind": training.kind,
            "title": training.title,
            "start_date": training.start_date,
            "end_date": training.end_date,
            "place": training.place_id,
            "organiser_name": training.organiser_name,
            "project": training.project.code if training.project else "",
            "reported_participants": training.reported_participants,
            "reported_placed": training.reported_placed,
        }

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if column not in TRAINING_EDITABLE_FIELDS:
                raise InvalidInput(column, value, _("该列不能通过导入修改"))

    def create(self, actor: Actor, row: Row, context: ImportContext, *, reason: str) -> None:
        training_create(
            actor=actor,
            program=context.program(row["program"]),
            kind=row["kind"],
            title=row["title"],
            place=context.area(row["place"], "place"),
            start_date=row["start_date"],
            end_date=row["end_date"],
            organiser_name=row["organiser_name"],
            project=self._project(row, context),
            reported_participants=row["reported_participants"],
            reported_placed=row["reported_placed"],
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, Training)
        training_update(actor=actor, training=record, reason=reason, **changes)

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for record in records:
            yield self._row(record, record.program.slug)  # type: ignore[arg-type, attr-defined]

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        trainings = Training.objects.select_related("program", "project").order_by("program_id", "start_date", "id")
        if program is not None:
            trainings = trainings.filter(program=program)
        for training in export_scope(trainings, user).iterator(chunk_size=5000):
            yield self._row(training, training.program.slug)


class TrainingParticipantsKind(Kind):
    key = "training_participants"
    depends_on = ("programs", "trainings", "persons")
    verb = "training_participants_add"
    name_zh = "参训人员"
    name_en = "Training participants"
    natural_key = ("program", "training_kind", "training_title", "training_start_date", "identity_number")
    create_in_groups = True
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column(
            "training_kind",
            "培训类型",
            "Training kind",
            ColumnType.CHOICE,
            required=True,
            choices=choices_from(TrainingKind.choices),
        ),
        Column("training_title", "培训名称", "Training title", required=True, max_length=200),
        Column("training_start_date", "开始日期", "Start date", ColumnType.DATE, required=True),
        Column(
            "identity_number",
            "身份证号码",
            "Identity number",
            required=True,
            sensitive=True,
            max_length=18,
            note_zh="须为已登记人员",
            note_en="of a registered person",
        ),
        Column("name", "姓名", "Name", max_length=100, note_zh="仅供核对", note_en="for checking only"),
    )
    instructions_zh = (
        "每行一名参训人员；培训班须已导入（协作项目、类型、名称、开始日期），人员须已登记（身份证号码）。"
        "贫困户成员参训计为受益。"
    )
    instructions_en = (
        "One participant per row; the course must exist (program, kind, title, start date) and the person must be "
        "registered (identity number). Members of poor households count as beneficiaries."
    )

    def _training(self, row: Row, context: ImportContext) -> Training:
        key = ("training", row["program"], row["training_kind"], row["training_title"], row["training_start_date"])
        training = context.ref(
            key,
            Training.objects.filter(
                program=context.program(row["program"]),
                kind=row["training_kind"],
                title=row["training_title"],
                start_date=row["training_start_date"],
            ).first,
        )
        if training is None:
            raise InvalidInput(
                "training_title", row["training_title"], _("没有该培训班（协作项目、类型、名称和开始日期）")
            )
        return training

    def prepare(self, row: Row, context: ImportContext) -> None:
        training = self._training(row, context)
        participants = Person.objects.filter(trainings__training=training)
        person = person_named(row["identity_number"], context, participants, row["name"])
        if row["name"] and row["name"] != person.name:
            raise InvalidInput("name", row["name"], _("姓名与登记的不一致"))
        row["_training"], row["_person"] = training, person

    def key_of(self, row: Row) -> Key:
        person = row.get("_person")
        identity = person.identity_blind_index if person is not None else row.get("identity_number")
        return (row["program"], row["training_kind"], row["training_title"], row["training_start_date"], identity)

    def row_places(self, row: Row, context: ImportContext) -> Iterator[tuple[str, str | None]]:
        yield "training_title", row["_training"].place_id
        yield "identity_number", row["_person"].area_id

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        found: dict[Key, tuple[Model, Row]] = {}
        by_training: dict[Key, list[str]] = defaultdict(list)
        for key in keys:
            by_training[key[:4]].append(key[4])
        for training_key, indexes in by_training.items():
            participants = TrainingParticipant.objects.filter(
                training__program__slug=training_key[0],
                training__kind=training_key[1],
                training__title=training_key[2],
                training__start_date=training_key[3],
                person__identity_blind_index__in=[index for index in indexes if isinstance(index, bytes)],
            ).select_related("person")
            for participant in participants:
                found[(*training_key, participant.person.identity_blind_index)] = (participant, {})
        return found

    def changes(self, row: Row, existing: Row) -> Row:
        return {}  # every column is part of the key (the name is only checked)

    def create_many(self, actor: Actor, rows: Sequence[Row], context: ImportContext, *, reason: str) -> None:
        groups: dict[int, tuple[Training, list[Person]]] = {}
        for row in rows:
            groups.setdefault(row["_training"].pk, (row["_training"], []))[1].append(row["_person"])
        for training, persons in groups.values():
            training_participants_add(actor=actor, training=training, persons=persons)

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        participants = TrainingParticipant.objects.select_related("training__program", "person").order_by(
            "training__program_id", "training__start_date", "training_id", "id"
        )
        if program is not None:
            participants = participants.filter(training__program=program)
        for participant in export_scope(participants, user).iterator(chunk_size=5000):
            training, person = participant.training, participant.person
            number = (
                identity_decrypt(person.identity_key_id, person.identity_ciphertext)
                if person.identity_ciphertext is not None
                else ""
            )
            yield {
                "program": training.program.slug,
                "training_kind": training.kind,
                "training_title": training.title,
                "training_start_date": training.start_date,
                "identity_number": number,
                "name": person.name,
            }


def _commitment_ref(commitment: LedgerTransaction) -> str:
    return commitment.external_ref or f"#{commitment.pk}"


class StudentAidKind(Kind):
    key = "student_aid"
    depends_on = ("programs", "ledger", "persons")
    verb = "student_aid_grant_batch"
    name_zh = "助学"
    name_en = "Student aid"
    natural_key = ("program", "date", "identity_number")
    create_in_groups = True
    field_columns = {"amount": "amount", "grants": "identity_number", "commitment": "commitment_ref"}
    columns = (
        Column("program", "协作项目", "Program", required=True),
        Column(
            "commitment_ref",
            "资金承诺外部编号",
            "Commitment reference",
            required=True,
            max_length=60,
            note_zh="助学款从该承诺拨付",
            note_en="the aid is disbursed from this commitment",
        ),
        Column("date", "发放日期", "Date", ColumnType.DATE, required=True),
        Column(
            "identity_number",
            "学生身份证号码",
            "Student's identity number",
            required=True,
            sensitive=True,
            max_length=18,
            note_zh="须为已登记人员",
            note_en="of a registered person",
        ),
        Column("name", "学生姓名", "Student's name", max_length=100, note_zh="仅供核对", note_en="for checking only"),
        Column("school_name", "学校", "School", required=True, max_length=200),
        Column("amount", "金额（元）", "Amount (yuan)", ColumnType.MONEY, required=True),
    )
    instructions_zh = (
        "每行一名受助学生。同一承诺、同一日期的各行合计记为台账中的一笔拨付；超过承诺余额则全部不导入。"
        "助学记入台账后不可通过导入修改，更正请冲销。"
    )
    instructions_en = (
        "One aided student per row. Rows of the same commitment and date are posted as one disbursement in the "
        "ledger; beyond the commitment's balance nothing loads. Aid posted in the ledger cannot be changed by an "
        "import: post a reversal."
    )

    def _commitment(self, row: Row, context: ImportContext) -> LedgerTransaction:
        program = context.program(row["program"])
        ref = row["commitment_ref"]
        pk = int(ref[1:]) if ref.startswith("#") and ref[1:].isdigit() else None
        commitment = LedgerTransaction.objects.filter(
            Q(pk=pk) if pk is not None else Q(external_ref=ref), program=program, kind=TransactionKind.COMMITMENT
        ).first()
        if commitment is None:
            raise InvalidInput("commitment_ref", ref, _("找不到该编号的资金承诺"))
        return commitment

    def prepare(self, row: Row, context: ImportContext) -> None:
        commitment = self._commitment(row, context)
        aided = Person.objects.filter(student_aid__program=commitment.program, student_aid__date=row["date"])
        person = person_named(row["identity_number"], context, aided, row["name"])
        if row["name"] and row["name"] != person.name:
            raise InvalidInput("name", row["name"], _("姓名与登记的不一致"))
        if not row["school_name"].strip():
            raise InvalidInput("school_name", row["school_name"], _("学校名称不能为空"))
        if row["amount"] <= 0:
            raise InvalidInput("amount", row["amount"], _("金额必须是以分为单位的正整数"))
        row["_commitment"], row["_person"] = commitment, person

    def key_of(self, row: Row) -> Key:
        person = row.get("_person")
        return (row["program"], row["date"], person.identity_blind_index if person else row.get("identity_number"))

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        found: dict[Key, tuple[Model, Row]] = {}
        by_program: dict[str, list[Key]] = defaultdict(list)
        for key in keys:
            by_program[key[0]].append(key)
        for slug, program_keys in by_program.items():
            aid = StudentAid.objects.filter(
                program=context.program(slug),
                date__in={key[1] for key in program_keys},
                student__identity_blind_index__in={key[2] for key in program_keys if isinstance(key[2], bytes)},
            ).select_related("student", "ledger_transaction__commitment")
            for record in aid:
                row = self._row(record, slug, "")
                found[(slug, record.date, record.student.identity_blind_index)] = (record, row)
        return found

    def _row(self, record: StudentAid, slug: str, number: str) -> Row:
        commitment = record.ledger_transaction.commitment
        return {
            "program": slug,
            "commitment_ref": _commitment_ref(commitment) if commitment is not None else "",
            "date": record.date,
            "identity_number": number,
            "name": record.student.name,
            "school_name": record.school_name,
            "amount": record.amount_fen,
        }

    def changes(self, row: Row, existing: Row) -> Row:
        result: Row = {}
        for column in ("commitment_ref", "school_name", "amount"):
            if row.get(column) != existing.get(column):
                result[column] = row.get(column)
        return result

    def check_change(self, record: Model, changes: Row) -> None:
        column, value = next(iter(changes.items()))
        raise InvalidInput(column, value, _("助学已记入台账，不能通过导入修改；如需更正请冲销"))

    def create_many(self, actor: Actor, rows: Sequence[Row], context: ImportContext, *, reason: str) -> None:
        groups: dict[tuple[int, Any], tuple[LedgerTransaction, list[StudentAidRow]]] = {}
        for row in rows:
            group = groups.setdefault((row["_commitment"].pk, row["date"]), (row["_commitment"], []))
            group[1].append(
                StudentAidRow(student=row["_person"], school_name=row["school_name"], amount_fen=row["amount"])
            )
        for (_pk, date), (commitment, grants) in groups.items():
            student_aid_grant_batch(actor=actor, commitment=commitment, grants=grants, date=date)

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        aid = StudentAid.objects.select_related("program", "student", "ledger_transaction__commitment").order_by(
            "program_id", "date", "id"
        )
        if program is not None:
            aid = aid.filter(program=program)
        for record in export_scope(aid, user).iterator(chunk_size=5000):
            student = record.student
            number = (
                identity_decrypt(student.identity_key_id, student.identity_ciphertext)
                if student.identity_ciphertext is not None
                else ""
            )
            yield self._row(record, record.program.slug, number)


kind_register(TrainingsKind())
kind_register(TrainingParticipantsKind())
kind_register(StudentAidKind())
