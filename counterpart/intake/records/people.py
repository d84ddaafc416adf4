"""Households (贫困户) and persons (人员): the registry's two kinds, through the people services.

Persons are one row per person with the household's number (blank for someone outside a
registered household, who then needs an area code). The identity number is the natural key,
matched by its blind index; it is ``sensitive``: masked in exports unless the caller may reveal
identity numbers. A masked number in a re-imported export (520422***********4) is matched to the
member of the row's household (or the person of that name and area) whose number masks the same.

On PostgreSQL persons take the staged bulk path (intake/staged.py): the batch encoder of
intake/persons_fast.py checks rows a batch at a time by ``person_check``'s rules (in worker processes
for a large file) and declines anything it does not accept outright; ``stage_encoder`` hands those to
the general validator and ``prepare`` for the exact message, so both paths refuse the same rows.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor
from counterpart.core.errors import InvalidInput
from counterpart.people.identity import (
    IdentityCipher,
    identity_blind_index,
    identity_decrypt,
    identity_mask,
    identity_normalise,
    identity_parse,
)
from counterpart.people.models import Household, HouseholdStatus, Person, PovertyCause, Relation, Sex
from counterpart.people.services import (
    HOUSEHOLD_EDITABLE_FIELDS,
    PERSON_STAGE_COLUMNS,
    HouseholdRow,
    PersonRow,
    PersonsLoadRefused,
    household_check,
    household_update,
    households_register_bulk,
    person_check,
    person_update,
    persons_load,
    persons_register_bulk,
    persons_stage_apply,
    persons_stage_classify,
    persons_stage_messages,
    persons_stage_problems,
)
from counterpart.registry.models import Program
from counterpart.registry.services import area_code_parse

from .. import kinds as kinds_module
from ..kinds import (
    Column,
    ColumnType,
    DirectDeclined,
    ImportContext,
    Key,
    Kind,
    Row,
    choices_from,
    export_scope,
    kind_register,
)
from ..persons_fast import PersonsBatchEncoder, PersonsFast, today_compact


def household_named(number: str, context: ImportContext) -> Household:
    """The registered household a row names by its number, looked up once per import."""
    household = context.ref(
        ("household", number), Household.objects.select_related("village").filter(number=number).first
    )
    if household is None:
        raise InvalidInput("household_number", number, _("没有该户编号的贫困户"))
    return household


class HouseholdsKind(Kind):
    key = "households"
    name_zh = "贫困户"
    name_en = "Households"
    bulk = True
    verb = "households_register_bulk"
    natural_key = ("number",)
    columns = (
        Column("number", "户编号", "Household number", required=True, max_length=40),
        Column("village", "所在村区划代码", "Village code", ColumnType.AREA, required=True),
        Column(
            "poverty_cause",
            "主要致贫原因",
            "Main cause of poverty",
            ColumnType.CHOICE,
            required=True,
            choices=choices_from(PovertyCause.choices),
        ),
        Column("year", "识别年度", "Year registered", ColumnType.YEAR, required=True),
        Column("helper_name", "帮扶责任人", "Helper", max_length=100),
    )
    instructions_zh = (
        "每行一户；户编号唯一确定一户。再次导入时，致贫原因和帮扶责任人会被更新；所在村和识别年度不能修改。"
    )
    instructions_en = (
        "One household per row; the household number identifies it. Re-importing updates the cause of poverty "
        "and the helper; the village and the year registered cannot be changed."
    )

    def prepare(self, row: Row, context: ImportContext) -> None:
        household_check(row["number"], context.area(row["village"], "village"), row["poverty_cause"])

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        numbers = [key[0] for key in keys]
        households = _with_first_year(Household.objects.filter(number__in=numbers))
        return {(household.number,): (household, self._row(household)) for household in households}

    def _row(self, household: Household) -> Row:
        return {
            "number": household.number,
            "village": household.village_id,
            "poverty_cause": household.poverty_cause,
            "year": getattr(household, "first_year", None),
            "helper_name": household.helper_name,
        }

    def check_change(self, record: Model, changes: Row) -> None:
        for column, value in changes.items():
            if column not in HOUSEHOLD_EDITABLE_FIELDS:
                raise InvalidInput(column, value, _("该列不能通过导入修改"))

    def create_many(self, actor: Actor, rows: Sequence[Row], context: ImportContext, *, reason: str) -> None:
        by_year: dict[int, list[HouseholdRow]] = defaultdict(list)
        for row in rows:
            by_year[row["year"]].append(
                HouseholdRow(
                    number=row["number"],
                    village=context.area(row["village"], "village"),
                    poverty_cause=row["poverty_cause"],
                    helper_name=row["helper_name"],
                )
            )
        for year, households in by_year.items():
            households_register_bulk(actor=actor, rows=households, year=year, source=reason)

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, Household)
        household_update(actor=actor, household=record, reason=reason, **changes)

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        for household in records:
            assert isinstance(household, Household)
            yield self._row(household)

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        households = _with_first_year(Household.objects.order_by("number"))
        for household in export_scope(households, user).iterator(chunk_size=5000):
            yield self._row(household)


def _with_first_year(households: QuerySet[Household]) -> QuerySet[Household]:
    """Each household's first year registered, as a subquery on its statuses matched by id and county (not
    a GROUP BY over the household's columns, which PostgreSQL refuses once the primary key is
    ``(id, county_code)`` on Citus, docs/scale.md)."""
    first = HouseholdStatus.objects.filter(household=OuterRef("pk"), county_code=OuterRef("county_code"))
    return households.annotate(first_year=Subquery(first.order_by("year").values("year")[:1]))


def _blank(value: str) -> str:
    return ""


_EXPORT_CHUNK = 5000
_MOVED = "已登记人员的所在户或所在地不能通过导入修改"


class PersonsKind(Kind):
    key = "persons"
    depends_on = ("households",)
    name_zh = "贫困人口"
    name_en = "Persons"
    natural_key = ("identity_number",)
    derived_columns = frozenset({"sex", "birth_date", "area"})
    create_in_groups = True
    staged = True
    direct = True
    stage_columns = PERSON_STAGE_COLUMNS
    verb = "persons_register_bulk"
    columns = (
        Column(
            "household_number",
            "户编号",
            "Household number",
            max_length=40,
            note_zh="不属于贫困户的人员留空",
            note_en="blank for a person outside a registered household",
        ),
        Column(
            "relation",
            "与户主关系",
            "Relation to head",
            ColumnType.CHOICE,
            choices=choices_from(Relation.choices),
            note_zh="贫困户成员必填",
            note_en="required for household members",
        ),
        Column("name", "姓名", "Name", required=True, max_length=100),
        Column(
            "identity_number",
            "身份证号码",
            "Identity number",
            required=True,
            sensitive=True,
            max_length=18,
            note_zh="18位；加密保存，导出时打码",
            note_en="18 characters; stored encrypted, masked in exports",
        ),
        Column(
            "sex",
            "性别",
            "Sex",
            ColumnType.CHOICE,
            choices=choices_from(Sex.choices),
            note_zh="可留空，取自身份证号码",
            note_en="may be blank: taken from the identity number",
        ),
        Column(
            "birth_date",
            "出生日期",
            "Birth date",
            ColumnType.DATE,
            # Beside the masked number a full birth date would rebuild it (docs/security.md): exports
            # leave it blank unless the numbers are revealed; a blank re-imports from the number.
            sensitive=True,
            mask=_blank,
            note_zh="可留空，取自身份证号码；导出时不显示",
            note_en="may be blank: taken from the identity number; left blank in exports",
        ),
        Column(
            "area",
            "所在地区划代码",
            "Area code",
            ColumnType.AREA,
            note_zh="不属于贫困户的人员必填（县、乡或村）；贫困户成员取户所在村",
            note_en="required outside a household (county, township or village); members: the household's village",
        ),
    )
    instructions_zh = (
        "每行一人；身份证号码唯一确定一人，不能重复登记。贫困户成员填写户编号（须已导入）和与户主关系。"
        "再次导入时，姓名和与户主关系会被更新；所在户和所在地不能修改。导出文件中的打码号码可原样再导入。"
    )
    instructions_en = (
        "One person per row; the identity number identifies a person, who can be registered once. Household members "
        "give the household number (already imported) and their relation to the head. Re-importing updates the name "
        "and relation; the household and area cannot be changed. Masked numbers of an export re-import as they are."
    )

    # --- the general path (every database; the slow path's messages on PostgreSQL) ---

    def _unmask(self, masked: str, row: Row, household: Household | None, context: ImportContext) -> Person:
        """The registered person a masked number of an export stands for, in the row's household or area."""
        cache_key = ("members", household.pk if household else None, row["area"], row["name"])

        def members() -> list[tuple[str, Person]]:
            candidates = (
                Person.objects.filter(household=household)
                if household is not None
                else Person.objects.filter(household=None, area_id=row["area"], name=row["name"])
            )
            return [
                (identity_mask(identity_decrypt(p.identity_key_id, p.identity_ciphertext)), p)  # type: ignore[arg-type]
                for p in candidates.exclude(identity_ciphertext=None)
            ]

        found = [person for mask, person in context.ref(cache_key, members) if mask == masked]
        if len(found) != 1:
            raise InvalidInput("identity_number", masked, _("打码的身份证号码对应不到唯一的已登记人员，请填写完整号码"))
        return found[0]

    def prepare(self, row: Row, context: ImportContext) -> None:
        household = household_named(row["household_number"], context) if row["household_number"] else None
        row["relation"] = row["relation"] or Relation.NONE
        identity = identity_normalise(row["identity_number"])
        if "*" in identity:
            person = self._unmask(identity, row, household, context)
            row["_person"], row["_key"] = person, person.identity_blind_index
            row["sex"], row["birth_date"] = row["sex"] or person.sex, row["birth_date"] or person.birth_date
            return
        parsed = identity_parse(identity, "identity_number")
        sex = row["sex"] or (Sex.MALE if parsed.is_male else Sex.FEMALE)
        if household is not None:
            area = household.village
        elif not row["area"]:
            raise InvalidInput("area", "", _("不属于贫困户的人员须填写所在地区划代码"))
        else:
            area = context.area(row["area"], "area")
        person_check(
            PersonRow(
                name=row["name"],
                sex=sex,
                area=area,
                birth_date=row["birth_date"],
                identity_number=identity,
                household=household,
                relation=row["relation"],
            )
        )
        row["identity_number"], row["sex"], row["birth_date"] = identity, sex, parsed.birth_date
        row["_key"] = identity_blind_index(identity)

    def row_places(self, row: Row, context: ImportContext) -> Iterator[tuple[str, str | None]]:
        """A household member lives in the household's village; anyone else in the row's area."""
        if row["household_number"]:
            yield "household_number", household_named(row["household_number"], context).village_id
        else:
            yield from super().row_places(row, context)

    def key_of(self, row: Row) -> Key:
        return (row.get("_key") or row.get("identity_number"),)

    def lookup(self, keys: Sequence[Key], context: ImportContext) -> dict[Key, tuple[Model, Row]]:
        # The households in a second query, not a join on the household's id alone (Citus joins the
        # distributed persons and households only on the county as well; docs/scale.md).
        indexes = [key[0] for key in keys if isinstance(key[0], bytes)]  # a blind index, never a number
        persons = list(Person.objects.filter(identity_blind_index__in=indexes))
        numbers: dict[int | None, str] = dict(
            Household.objects.filter(pk__in={p.household_id for p in persons if p.household_id}).values_list(
                "pk", "number"
            )
        )
        return {
            (person.identity_blind_index,): (person, self._row(person, "", numbers.get(person.household_id, "")))
            for person in persons
        }

    def _row(self, person: Person, identity_number: str, household_number: str | None = None) -> Row:
        if household_number is None:
            household_number = person.household.number if person.household else ""
        return {
            "household_number": household_number,
            "relation": person.relation,
            "name": person.name,
            "identity_number": identity_number,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "area": "" if person.household_id else person.area_id,
        }

    def changes(self, row: Row, existing: Row) -> Row:
        result: Row = {}
        for column in ("name", "relation", "household_number"):
            if (row.get(column) or "") != (existing.get(column) or ""):
                result[column] = row.get(column) or ""
        if not row["household_number"] and row["area"] and row["area"] != existing["area"]:
            result["area"] = row["area"]
        return result

    def check_change(self, record: Model, changes: Row) -> None:
        for column in ("household_number", "area"):
            if column in changes:
                raise InvalidInput(column, changes[column], _(_MOVED))

    def create_many(self, actor: Actor, rows: Sequence[Row], context: ImportContext, *, reason: str) -> None:
        persons_register_bulk(actor=actor, rows=(self._person_row(row, context) for row in rows), source=reason)

    def _person_row(self, row: Row, context: ImportContext) -> PersonRow:
        household = household_named(row["household_number"], context) if row["household_number"] else None
        return PersonRow(
            name=row["name"],
            sex=row["sex"],
            area=household.village if household is not None else context.area(row["area"], "area"),
            birth_date=row["birth_date"],
            identity_number=row["identity_number"],
            household=household,
            relation=row["relation"],
        )

    def update(self, actor: Actor, record: Model, changes: Row, context: ImportContext, *, reason: str) -> None:
        assert isinstance(record, Person)
        person_update(actor=actor, person=record, reason=reason, **changes)

    def rows_of(self, records: Iterable[Model]) -> Iterator[Row]:
        """The persons among ``records`` that have an identity number (the natural key of this kind)."""
        for person in records:
            assert isinstance(person, Person)
            if person.identity_ciphertext is not None:
                yield self._row(person, identity_decrypt(person.identity_key_id, person.identity_ciphertext))

    def export_rows(self, program: Program | None = None, user: Any = None) -> Iterator[Row]:
        # Households come per chunk, not by a join: joined, PostgreSQL sorted every person before
        # the first row (30 s at 9 million); by id alone the export streams from the primary key.
        persons = Person.objects.exclude(identity_ciphertext=None).order_by("id")
        chunk: list[Person] = []
        for person in export_scope(persons, user).iterator(chunk_size=_EXPORT_CHUNK):
            chunk.append(person)
            if len(chunk) == _EXPORT_CHUNK:
                yield from self._export_chunk(chunk)
                chunk = []
        yield from self._export_chunk(chunk)

    def _export_chunk(self, persons: list[Person]) -> Iterator[Row]:
        # Household numbers in lists of at most 900 ids: prefetch_related asked for a chunk's households
        # in one IN list, which SQLite refuses beyond its expression depth ("Expression tree is too large").
        ids = sorted({person.household_id for person in persons if person.household_id is not None})
        numbers: dict[int, str] = {}
        for start in range(0, len(ids), 900):
            numbers.update(Household.objects.filter(id__in=ids[start : start + 900]).values_list("id", "number"))
        for person in persons:
            assert person.identity_ciphertext is not None  # the query excludes persons without a number
            number = identity_decrypt(person.identity_key_id, person.identity_ciphertext)
            yield self._row(person, number, numbers.get(person.household_id or 0, ""))

    # --- the staged bulk path (PostgreSQL) ---

    def _fast(self, validator: Any) -> PersonsFast:
        position = {column.key: index for index, column in enumerate(validator.columns) if column is not None}
        relations = {
            spelling: value for value, zh, en in self.column("relation").choices for spelling in (value, zh, en)
        }
        sexes = {spelling: value for value, zh, en in self.column("sex").choices for spelling in (value, zh, en)}
        return PersonsFast(
            household=position.get("household_number", -1),
            relation=position.get("relation", -1),
            name=position.get("name", -1),
            identity=position.get("identity_number", -1),
            sex=position.get("sex", -1),
            birth=position.get("birth_date", -1),
            area=position.get("area", -1),
            relations=relations,
            sexes=sexes,
            male=Sex.MALE.value,
            female=Sex.FEMALE.value,
            none=Relation.NONE.value,
            today=today_compact(),
        )

    def stage_batch_encoder(self, validator: Any) -> PersonsBatchEncoder:
        key_id, secrets = IdentityCipher().secrets()
        return PersonsBatchEncoder(self._fast(validator), key_id, secrets)

    def stage_encoder(self, validator: Any, context: ImportContext) -> Callable[[int, Sequence[Any]], Any]:
        fast, slow = self.direct_encoders(validator, context)

        def encode(number: int, cells: Sequence[Any]) -> Any:
            # The fast path (persons_fast: text rows that meet every rule outright); anything else, and
            # every row it declines, goes to slow() for the general validator's exact verdict.
            return fast(number, cells) or slow(number, cells)

        return encode

    def direct_encoders(
        self, validator: Any, context: ImportContext
    ) -> tuple[Callable[[int, Sequence[Any]], Any], Callable[[int, Sequence[Any]], Any]]:
        """The fast path (no database: area codes are parsed, not looked up) and the row-wise encoder."""
        fast = self._fast(validator)
        areas: dict[str, str | None] = {}
        cipher = IdentityCipher()
        slow = self.stage_general_encoder(validator, context, cipher)

        def area_code(text: str) -> str | None:
            if text not in areas:
                try:
                    areas[text] = area_code_parse(text, "area").code if len(areas) < 100_000 else None
                except InvalidInput:
                    areas[text] = None
            return areas[text]

        def accept(number: int, cells: Sequence[Any]) -> Any:
            return fast.accept(number, cells, cipher, area_code)

        return accept, slow

    def stage_general_encoder(
        self, validator: Any, context: ImportContext, cipher: IdentityCipher
    ) -> Callable[[int, Sequence[Any]], Any]:
        """The row-wise encoder: the general validator and ``prepare``, with their exact messages."""
        from ..passes import invalid_to_error

        key_id, encrypt, blind_index = cipher.key_id, cipher.encrypt, cipher.blind_index

        def slow(number: int, cells: Sequence[Any]) -> Any:
            row, errors = validator.validate(number, cells)
            if row is None:
                return errors
            try:
                self.prepare(row, context)
            except InvalidInput as error:
                checked = row
                return [
                    invalid_to_error(self, validator, number, row, error, lambda r=checked: self.prepare(r, context))
                ]
            person = row.get("_person")
            if person is not None:
                ciphertext, key, index = (
                    bytes(person.identity_ciphertext),
                    person.identity_key_id,
                    person.identity_blind_index,
                )
                masked = row["identity_number"]
            else:
                identity = row["identity_number"]
                ciphertext, key, index, masked = (
                    encrypt(identity),
                    key_id,
                    blind_index(identity),
                    identity_mask(identity),
                )
            area = "" if row["household_number"] else row["area"]
            return (number, row["household_number"], row["relation"], row["name"], row["sex"], row["birth_date"],
                    area, key, ciphertext, index, masked)  # fmt: skip

        return slow

    def stage_problems(self, table: str, sheet: str, *, limit: int) -> tuple[list[Any], int]:
        from ..validation import RowError

        problems, total = persons_stage_problems(table, limit=limit)
        with translation.override("zh-hans"):
            messages_zh = persons_stage_messages()
        with translation.override("en"):
            messages_en = persons_stage_messages()
        # The general path's wording for a natural key given twice, so both paths read the same.
        messages_zh["duplicate"] = "与文件中前面的某一行重复（相同的唯一标识）"
        messages_en["duplicate"] = "duplicates an earlier row of the file (same natural key)"
        errors = []
        for problem in problems:
            column = self.column(problem.field)
            errors.append(
                RowError(
                    sheet,
                    problem.row_number,
                    column.header_zh,
                    problem.value,
                    messages_zh[problem.rule],
                    messages_en[problem.rule],
                )
            )
        return errors, total

    def stage_classify(self, table: str) -> tuple[int, int, int]:
        return persons_stage_classify(table)

    def stage_apply(self, actor: Actor, table: str, *, reason: str) -> tuple[int, int, int]:
        return persons_stage_apply(actor=actor, table=table, source=reason)

    def direct_apply(self, actor: Actor, chunks: Iterable[Any], *, expected_rows: int, reason: str) -> int:
        try:
            return persons_load(actor=actor, chunks=chunks, expected_rows=expected_rows, source=reason)
        except PersonsLoadRefused as refused:
            raise DirectDeclined(str(refused)) from refused


kind_register(HouseholdsKind())
kind_register(PersonsKind())
kinds_module.sensitive_masker_set(identity_mask)
