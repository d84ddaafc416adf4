"""The persons kind's batch encoder (intake/persons_fast.py) against the row-wise path it stands in for.

Property: whatever a row holds, a row the fast path accepts is accepted by the general validator and
``prepare`` with the same staged values (the ciphertexts differ only by their nonce), and its COPY line
reads back as those values. Rows it declines go to the row-wise path, so they need no check here.
"""

import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpart.intake.kinds import ImportContext, kind_get
from counterpart.intake.persons_fast import PersonsBatchEncoder
from counterpart.intake.stage_pool import Batch, StagePipeline
from counterpart.intake.validation import RowValidator
from counterpart.people.identity import IdentityCipher, identity_compose, identity_decrypt
from counterpart.people.models import Household
from counterpart.registry.models import Area
from counterpart.registry.services import area_code_parse

HEADER = ["户编号", "与户主关系", "姓名", "身份证号码", "性别", "出生日期", "所在地区划代码"]
VILLAGE = "520422100201"


@pytest.fixture
def registered(areas):
    village = Area.objects.get(code=VILLAGE)
    # every number the rows name (an unknown one is refused by the set-based check, in SQL)
    for number in ("H-0", "H-1", "H\t0", "H\\1"):
        Household.objects.create(number=number, village=village, poverty_cause="illness")


def _number(birth: datetime.date, sequence: int, area: str = "520422") -> str:
    return identity_compose(area, birth, sequence)


births = st.dates(min_value=datetime.date(1870, 1, 1), max_value=datetime.date(2030, 12, 31))
valid_numbers = st.builds(_number, births, st.integers(0, 999))
numbers = st.one_of(
    valid_numbers,
    valid_numbers.map(lambda n: n[:17] + ("0" if n[17] != "0" else "1")),  # wrong check character
    valid_numbers.map(lambda n: n.lower()),
    valid_numbers.map(lambda n: f" {n} "),
    valid_numbers.map(lambda n: n[:10] + "1399" + n[14:]),  # no such date
    st.sampled_from(["", "0042221980051700", "000000198005170010", "52042219800517001X"]),
    st.text(alphabet="0123456789Xx *", max_size=20),
)
cells = st.tuples(
    st.sampled_from(["H-0", "H-1", "", " H-0 ", "'H-0", "H\t0", "H\\1"]),
    st.sampled_from(["head", "child", "户主", "子女", "", " head ", "none", "本人", "bogus", "spouse"]),
    st.one_of(
        st.sampled_from(["张三", "", " ", "'=1", "=1", "a\tb", "李\\四", "王\u3000五", "x" * 101, "x" * 100]),
        st.text(max_size=6),
    ),
    numbers,
    st.sampled_from(["", "男", "女", "male", "female", "M", "x", " 男 "]),
    st.sampled_from(["", "birth", "1980-05-17", "1980/05/17", "19800517"]),
    st.sampled_from(["", VILLAGE, "520422", "520422100", "520422100201000", "5204221002010", "999999", "x"]),
)


def _area_code(text: str) -> str | None:
    try:
        return area_code_parse(text, "area").code
    except Exception:
        return None


@pytest.mark.django_db
@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(row=cells)
def test_a_row_the_fast_path_accepts_is_accepted_alike_by_the_general_validator(registered, row):
    # given: a row (its birth-date cell, when "birth", the one its number states)
    values = list(row)
    if values[5] == "birth":
        identity = values[3].strip().upper()
        values[5] = f"{identity[6:10]}-{identity[10:12]}-{identity[12:14]}" if len(identity) == 18 else ""
    kind = kind_get("persons")
    validator = RowValidator(kind, "persons", HEADER)
    fast = kind._fast(validator)  # type: ignore[attr-defined]
    cipher = IdentityCipher()
    general = kind.stage_general_encoder(validator, ImportContext(), cipher)  # type: ignore[attr-defined]
    # when
    accepted = fast.accept(7, values, cipher, _area_code)
    in_worker = fast.accept(7, values, cipher, None)
    # then
    if in_worker is not None:
        assert accepted is not None and in_worker[:8] == accepted[:8] and in_worker[9:] == accepted[9:]
    if accepted is None:
        return
    staged = general(7, values)
    assert isinstance(staged, tuple), staged
    assert accepted[:5] == staged[:5]
    assert accepted[5] == staged[5].isoformat()
    assert accepted[6:8] == staged[6:8]
    assert identity_decrypt(accepted[7], accepted[8]) == identity_decrypt(staged[7], staged[8])
    assert accepted[9:] == staged[9:]


@pytest.mark.django_db
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(rows=st.lists(cells, max_size=8))
def test_a_batch_holds_a_copy_line_per_accepted_row_and_declines_the_others(rows):
    # given
    kind = kind_get("persons")
    fast = kind._fast(RowValidator(kind, "persons", HEADER))  # type: ignore[attr-defined]
    cipher = IdentityCipher()
    batch = [(n + 2, [cell.replace("birth", "") for cell in row]) for n, row in enumerate(rows)]
    # when
    block, declined = fast.copy_block(batch, cipher)
    # then
    lines = block.decode().splitlines()
    accepted = [position for position in range(len(batch)) if position not in declined]
    assert len(lines) == len(accepted)
    for position, line in zip(accepted, lines, strict=True):
        staged = fast.accept(*batch[position], cipher, None)
        assert staged is not None
        fields = line.split("\t")
        assert len(fields) == 11
        assert fields[:8] == [str(value) for value in staged[:8]]
        assert identity_decrypt(fields[7], bytes.fromhex(fields[8].removeprefix("\\\\x"))) == identity_decrypt(
            staged[7], staged[8]
        )
        # the blind index: 16 raw bytes, written as COPY's bytea text
        assert fields[9:] == ["\\\\x" + staged[9].hex(), staged[10]]
    for position in declined:
        staged = fast.accept(*batch[position], cipher, None)
        assert (
            staged is None or not (staged[1].isprintable() and staged[3].isprintable()) or "\\" in "".join(staged[1:4])
        )


@pytest.mark.django_db
def test_the_worker_pool_gives_what_the_importing_process_gives():
    # given: a batch encoder with its keys, and batches with rows it accepts and rows it declines
    kind = kind_get("persons")
    fast = kind._fast(RowValidator(kind, "persons", HEADER))  # type: ignore[attr-defined]
    key_id, secrets = IdentityCipher().secrets()
    encoder = PersonsBatchEncoder(fast, key_id, secrets)
    birth = datetime.date(1980, 5, 17)
    batches: list[Batch] = [
        [(b * 10 + n, ["H-0", "child", f"成员{n}", _number(birth, b * 10 + n), "", "", ""]) for n in range(10)]
        for b in range(7)
    ]
    batches[3][4] = (34, ["", "", "外来", _number(birth, 34), "", "", VILLAGE])  # an area: declined in a worker
    # when: the same batches through the pool (from the first batch on) and in this process
    pipeline = StagePipeline(encoder, workers=2, pool_min_rows=1)
    try:
        pooled = [result for batch in batches for result in pipeline.put(batch)] + pipeline.drain()
        assert pipeline.pooled
    finally:
        pipeline.close()
    local = StagePipeline(encoder, workers=0)
    here = [result for batch in batches for result in local.put(batch)]
    # then: in order, the same rows declined, the same lines but for the ciphertexts' nonces
    assert [sent for sent, _block, _declined in pooled] == batches
    assert [declined for _sent, _block, declined in pooled] == [declined for _sent, _block, declined in here]
    assert [declined for _sent, _block, declined in pooled][3] == [4]

    def without_ciphertext(block: bytes) -> list[list[str]]:
        rows = [line.split("\t") for line in block.decode().splitlines()]
        for fields in rows:
            assert identity_decrypt(fields[7], bytes.fromhex(fields[8].removeprefix("\\\\x"))).startswith("520422")
            fields[8] = ""
        return rows

    assert [without_ciphertext(block) for _s, block, _d in pooled] == [without_ciphertext(b) for _s, b, _d in here]
    assert "外来" not in b"".join(block for _s, block, _d in pooled).decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_staged_import_through_the_worker_pool_refuses_and_writes_as_the_row_wise_path(
    areas, actor, tmp_path, settings, monkeypatch
):
    import csv

    from counterpart.intake import stage_pool, staged
    from counterpart.intake.services import import_file
    from counterpart.people.models import Person

    # given: the pool from the first row, in batches of 4; rows the workers accept, one they decline (an
    # area outside a household), one the importer refuses (a wrong check character)
    settings.INTAKE_STAGE_WORKERS = 2
    monkeypatch.setattr(stage_pool, "POOL_MIN_ROWS", 1)
    monkeypatch.setattr(staged, "BATCH_ROWS", 4)
    village = Area.objects.get(code=VILLAGE)
    Household.objects.create(number="H-0", village=village, poverty_cause="illness")
    birth = datetime.date(1980, 5, 17)
    rows = [["H-0", "head" if n == 0 else "child", f"成员{n}", _number(birth, n), "", "", ""] for n in range(20)]
    rows[9] = ["", "", "外来", _number(birth, 9), "", "", VILLAGE]
    wrong = _number(birth, 13)
    rows[13][3] = wrong[:17] + ("0" if wrong[17] != "0" else "1")

    def write(name: str, body: list[list[str]]) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([HEADER, *body])
        return path

    # when
    refused = import_file(actor=actor, path=write("bad.csv", rows), kind="persons")
    del rows[13]
    loaded = import_file(actor=actor, path=write("good.csv", rows), kind="persons")
    # then: the bad row named by its row and column with the number masked, nothing written from that
    # file; then every row of the good one, the declined one in its area
    assert [(error.row, error.column, error.message_zh) for error in refused.errors] == [
        (15, "身份证号码", "身份证号码校验码错误")
    ]
    assert wrong[6:14] not in refused.errors[0].value
    assert loaded.ok and loaded.batch.rows_new == 19
    persons = {person.name: person for person in Person.objects.all()}
    assert len(persons) == 19
    assert persons["外来"].area_id == VILLAGE and persons["外来"].household_id is None
    last = persons["成员19"]
    assert last.identity_ciphertext is not None
    assert identity_decrypt(last.identity_key_id, last.identity_ciphertext) == rows[18][3]
