"""The persons kind's fast path: rows that meet every rule outright, encoded a batch at a time.

It runs in the importing process or in a worker process of the staged path (``intake/stage_pool.py``),
which has no Django settings and no database: it needs only this module, the identity primitives and the
keys it is handed (through the pool's pipe, never a file). A row it does not accept outright — a typed
XLSX cell, a blank it would have to fill in, an area code to look up, a character COPY would have to
escape, anything it refuses — is *declined*, never refused: the importing process runs it through the
kind's full encoder (``PersonsKind.stage_encoder``), whose general validator gives the exact message. So
this path accepts only rows the general validator accepts, with the same staged values
(``intake/tests/test_persons_fast.py`` checks that property against the row-wise path).

A batch comes back as the rows' lines in ``COPY … FROM STDIN`` text format, ready to write to the staging
table, and the positions of the rows it declined.
"""

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from counterpart.people.identity import IdentityCipher, identity_valid_fast

# (row number, household number, relation, name, sex, birth date, area code, key id, ciphertext,
#  blind index, masked number): the order of people.services.PERSON_STAGE_COLUMNS.
StagedPerson = tuple[Any, ...]
Batch = Sequence[tuple[int, Sequence[Any]]]


@dataclass(frozen=True)
class PersonsFast:
    """Where each column stands in the file and the spellings the rules accept; no state, picklable."""

    household: int
    relation: int
    name: int
    identity: int
    sex: int
    birth: int
    area: int
    relations: dict[str, str]
    sexes: dict[str, str]
    male: str
    female: str
    none: str
    today: str  # YYYYMMDD

    @functools.cached_property  # read for every row: computed once (cached_property bypasses frozen)
    def width(self) -> int:
        return max(self.household, self.relation, self.name, self.identity, self.sex, self.birth, self.area) + 1

    def accept(
        self,
        number: int,
        cells: Sequence[Any],
        cipher: IdentityCipher,
        area_code: Callable[[str], str | None] | None,
    ) -> StagedPerson | None:
        """The staged row of a text row that meets every rule outright, else None (declined).

        ``area_code`` turns an area cell into its code (None where no lookup is at hand: a row naming an
        area is then declined).
        """
        if len(cells) < self.width:
            return None
        try:
            name = cells[self.name].strip()
            household = cells[self.household].strip() if self.household >= 0 else ""
            identity = cells[self.identity].strip().upper()
            relation_text = cells[self.relation].strip() if self.relation >= 0 else ""
            sex_text = cells[self.sex].strip() if self.sex >= 0 else ""
            birth = cells[self.birth].strip() if self.birth >= 0 else ""
            area_text = cells[self.area].strip() if self.area >= 0 else ""
        except AttributeError:  # a typed XLSX cell
            return None
        relation = self.relations.get(relation_text) if relation_text else self.none
        if (
            not name
            or len(name) > 100
            or len(household) > 40
            or name[0] == "'"
            or household[:1] == "'"
            or relation is None
            or (relation == self.none) == bool(household)
            or not identity_valid_fast(identity, self.today)
        ):
            return None
        sex = self.male if identity[16] in "13579" else self.female
        if sex_text and self.sexes.get(sex_text) != sex:
            return None
        birth_iso = f"{identity[6:10]}-{identity[10:12]}-{identity[12:14]}"
        if birth and birth != birth_iso:
            return None
        area = ""
        if area_text:
            if area_code is None:
                return None
            area = area_code(area_text) or ""
            if not area:
                return None
        if not household and len(area) not in (6, 9, 12):
            return None
        masked = identity[:6] + "***********" + identity[17:]
        return (number, household, relation, name, sex, birth_iso, "" if household else area,
                cipher.key_id, cipher.encrypt(identity), cipher.blind_index(identity), masked)  # fmt: skip

    def copy_block(self, batch: Batch, cipher: IdentityCipher) -> tuple[bytes, list[int]]:
        """The COPY text lines of the rows accepted outright, and the positions in ``batch`` of the others."""
        lines: list[str] = []
        declined: list[int] = []
        for position, (number, cells) in enumerate(batch):
            staged = self.accept(number, cells, cipher, None)
            if staged is None or not _copy_safe(staged[1]) or not _copy_safe(staged[3]):
                declined.append(position)
                continue
            index = staged[9]
            index_text = index if isinstance(index, str) else "\\\\x" + index.hex()  # text, or bytea as hex
            lines.append(
                f"{number}\t{staged[1]}\t{staged[2]}\t{staged[3]}\t{staged[4]}\t{staged[5]}\t{staged[6]}\t"
                f"{staged[7]}\t\\\\x{staged[8].hex()}\t{index_text}\t{staged[10]}\n"
            )
        return "".join(lines).encode("utf-8"), declined


def _copy_safe(text: str) -> bool:
    """True when ``text`` goes into COPY's text format as it is (no backslash, tab, line break or NUL)."""
    return text.isprintable() and "\\" not in text


@dataclass(frozen=True)
class PersonsBatchEncoder:
    """The batch encoder the staged path hands to its worker processes (``Kind.stage_batch_encoder``)."""

    fast: PersonsFast
    key_id: str
    secrets: tuple[bytes, bytes]

    def __repr__(self) -> str:  # never print the keys
        return f"PersonsBatchEncoder(key_id={self.key_id!r})"

    def start(self) -> Callable[[Batch], tuple[bytes, list[int]]]:
        """The function a process encodes batches with, its cipher built once."""
        cipher = IdentityCipher(self.key_id, secrets=self.secrets)
        return lambda batch: self.fast.copy_block(batch, cipher)


def today_compact() -> str:
    return datetime.date.today().strftime("%Y%m%d")
