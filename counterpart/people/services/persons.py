"""Persons: registration (one and in bulk, by COPY), corrections. Identity numbers are validated,
encrypted and blind-indexed here; errors name them only masked.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record, audit_record_bulk, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Area, AreaLevel

from ..duplicates import (
    DuplicateIdentity,
    duplicate_error,
    duplicate_refusal_record,
    registration_allowed_check,
)
from ..identity import (
    identity_blind_index,
    identity_encrypt,
    identity_mask,
    identity_parse,
)
from ..identity_index import identity_index_add, identity_index_add_numbers
from ..models import (
    Household,
    Person,
    Relation,
    Sex,
)
from .checks import areas_check


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
    return duplicate_error(field, number)  # the same words wherever it was registered (people/duplicates.py)


def person_register(*, actor: Actor, row: PersonRow) -> Person:
    """Register one person. A number already registered is refused (by its blind index), audited
    and told to the program office, without saying where (people/duplicates.py)."""
    person = _person_build(row)
    # Before any look-up by the number: a user outside the area learns nothing about who is registered.
    areas_check(actor=actor, verb="person_register", areas=[person.area_id], field="area")
    registration_allowed_check(actor, "identity_number", row.identity_number)
    try:
        return _person_save(actor, row, person)
    except DuplicateIdentity:
        duplicate_refusal_record(actor, person.identity_blind_index)
        raise


def _person_save(actor: Actor, row: PersonRow, person: Person) -> Person:
    with transaction.atomic():
        if (
            person.identity_blind_index
            and Person.objects.filter(identity_blind_index=person.identity_blind_index).exists()
        ):
            raise _duplicate_error("identity_number", row.identity_number)
        try:
            with transaction.atomic():
                person.save()
                identity_index_add([person])  # on Citus: the number's national index row
        except IntegrityError:
            # A concurrent registration of the same number won the race.
            raise _duplicate_error("identity_number", row.identity_number) from None
        if row.relation == Relation.HEAD and row.household is not None:
            # By id and county: on Citus the household's key is (id, county_code), one shard's row.
            Household.objects.filter(pk=row.household.pk, county_code=row.household.county_code).update(head=person)
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


def persons_register_bulk(*, actor: Actor, rows: Iterable[PersonRow], source: str, batch_size: int = 20_000) -> int:
    """Register many persons, all or nothing: every number validated, encrypted and indexed.

    Rows are written with COPY on PostgreSQL and bulk INSERTs elsewhere. A number given twice (in
    the file or already registered) is refused by the unique blind index, naming the row number
    and the masked number only. Rows with relation head become their household's head.
    """
    count = 0
    with transaction.atomic():
        batch: list[Person] = []
        numbers: dict[bytes, tuple[int, str | None]] = {}

        def flush() -> None:
            indexes = [p.identity_blind_index for p in batch if p.identity_blind_index]
            clash = Person.objects.filter(identity_blind_index__in=indexes).values_list(
                "identity_blind_index", flat=True
            )[:1]
            for index in clash:
                line, number = numbers[bytes(index or b"")]
                raise _duplicate_error(f"row {line}", number)
            try:
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        _copy_persons(batch)
                    else:
                        Person.objects.bulk_create(batch, batch_size=2_000)
                    identity_index_add_numbers(indexes)  # on Citus: the numbers' national index rows
            except IntegrityError:
                raise InvalidInput("identity_number", "", _("批量登记中有重复的身份证号码")) from None
            batch.clear()
            numbers.clear()

        seen: set[bytes] = set()
        heads: set[tuple[int, str]] = set()  # (id, county_code): the household's key on Citus
        areas: set[str] = set()
        for line, row in enumerate(rows, start=1):
            person = _person_build(row, f"row {line}")
            if person.area_id not in areas:  # the policy asked once an area, naming the first row there
                areas_check(actor=actor, verb="persons_register_bulk", areas=[person.area_id], field=f"row {line}")
                areas.add(person.area_id)
            if row.relation == Relation.HEAD and row.household is not None:
                heads.add((row.household.pk, row.household.county_code))
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
            # The head of each household just given one: a single UPDATE, not one per row. The subquery
            # names the county as well as the household (a person lives in their household's county):
            # on Citus it then runs on the household's shard (docs/scale.md, "Joins on the id alone").
            Household.objects.filter(
                pk__in={pk for pk, _county in heads}, county_code__in={county for _pk, county in heads}
            ).update(
                head=Subquery(
                    Person.objects.filter(
                        household=OuterRef("pk"), county_code=OuterRef("county_code"), relation=Relation.HEAD
                    )
                    .order_by("id")
                    .values("pk")[:1]
                )
            )
        audit_record_bulk(actor, "person.register_bulk", "people.person", after={"source": source, "rows": count})
    return count


PERSON_EDITABLE_FIELDS = ("name", "relation")


def person_update(*, actor: Actor, person: Person, reason: str = "", **changes: object) -> Person:
    """Correct a person's name or relation to the household head; the identity number is fixed."""
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(name, changes[name], _("该项不能修改"))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        areas_check(actor=actor, verb="person_update", areas=[person.area_id], field="person")
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
