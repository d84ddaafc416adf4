"""The persons export streams a national-size registry on either engine (100,000 persons here)."""

import csv
import datetime
from pathlib import Path

import pytest

from counterpart.intake.exporters import export_kind
from counterpart.intake.kinds import kind_get
from counterpart.people.identity import IdentityCipher, identity_check_character, identity_mask
from counterpart.people.models import Household, Person, PovertyCause, Relation, Sex

PERSONS = 100_000
HOUSEHOLDS = 25_000
FIRST_BIRTH = datetime.date(1960, 1, 1)


def _registry_bulk(village) -> None:
    """100,000 persons in 25,000 households, written by bulk insert (the services would take minutes)."""
    households = Household.objects.bulk_create(
        [
            Household(
                number=f"H{index:06d}",
                village=village,
                county_code=village.code[:6],
                poverty_cause=PovertyCause.choices[0][0],
            )
            for index in range(HOUSEHOLDS)
        ],
        batch_size=5000,
    )
    cipher = IdentityCipher()
    persons = []
    for index in range(PERSONS):
        # a distinct valid number each: 100 birth dates × 1,000 sequence numbers
        first17 = f"520422{FIRST_BIRTH + datetime.timedelta(days=index // 1000):%Y%m%d}{index % 1000:03d}"
        number = first17 + identity_check_character(first17)
        persons.append(
            Person(
                household=households[index % HOUSEHOLDS],
                relation=Relation.choices[1][0],
                name=f"人员{index}",
                sex=Sex.MALE if index % 2 else Sex.FEMALE,
                area=village,
                county_code=village.code[:6],
                identity_key_id=cipher.key_id,
                identity_ciphertext=cipher.encrypt(number),
                identity_blind_index=cipher.blind_index(number),
            )
        )
    Person.objects.bulk_create(persons, batch_size=5000)


@pytest.mark.django_db
def test_the_persons_export_writes_every_one_of_100000_persons(areas, tmp_path: Path) -> None:
    # given a registry of 100,000 persons
    _registry_bulk(areas["520422100201"])
    # when all of them are exported, as CSV and as XLSX
    written = {
        file_format: export_kind(kind_get("persons"), tmp_path / f"persons.{file_format}", file_format=file_format)
        for file_format in ("csv", "xlsx")
    }
    # then every person is a row, with their household, the number masked
    assert written == {"csv": PERSONS, "xlsx": PERSONS}
    with (tmp_path / "persons.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) == PERSONS + 1
    assert rows[1][0] == "H000000" and rows[-1][0] == f"H{(PERSONS - 1) % HOUSEHOLDS:06d}"
    first = f"520422{FIRST_BIRTH:%Y%m%d}000"
    assert rows[1][3] == identity_mask(first + identity_check_character(first))
