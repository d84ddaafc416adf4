"""How many identity numbers are still possible given what someone can see of a person.

An 18-character number (GB 11643) is area code (6 digits) ‖ birth date (8) ‖ sequence (3, odd for men,
even for women) ‖ check character (ISO 7064 MOD 11-2 of the first 17). What a role sees of a person
— the masked number, the birth year or date, the sex — fixes some of these; this module counts the
numbers consistent with all of it, honestly: every day of a known year, every sequence of the right
parity, filtered by the check character when it shows. The masking rule of docs/security.md is that,
without ``people.reveal_identity``, this count never falls below ``SAFE_CANDIDATES``.

Unknown area-code digits are counted as if known (the count is then a lower bound, which is the safe
direction for the claim "at least 10,000").
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

SAFE_CANDIDATES = 10_000
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_FIRST_BIRTH = datetime.date(1880, 1, 1)


@dataclass
class Knowledge:
    """What is known of one person's number: characters by position, birth date or year, sex."""

    characters: dict[int, str] = field(default_factory=dict)
    birth_dates: set[datetime.date] | None = None  # the exact date, when some edge showed it
    birth_year: int | None = None
    birth_month: int | None = None
    is_male: bool | None = None

    def learn_mask(self, shown: str) -> None:
        """Add the characters a masked (or clear) number shows; ``*`` hides a position."""
        if len(shown) != 18:
            return
        for position, character in enumerate(shown):
            if character != "*":
                self.characters[position] = character


def _dates(knowledge: Knowledge, today: datetime.date) -> Iterable[datetime.date]:
    if knowledge.birth_dates is not None:
        yield from sorted(knowledge.birth_dates)
        return
    if knowledge.birth_year is not None:
        first = datetime.date(knowledge.birth_year, knowledge.birth_month or 1, 1)
        if knowledge.birth_month is None or knowledge.birth_month == 12:
            last = datetime.date(knowledge.birth_year, 12, 31)
        else:
            last = datetime.date(knowledge.birth_year, knowledge.birth_month + 1, 1) - datetime.timedelta(days=1)
    else:
        first, last = _FIRST_BIRTH, today
    day = first
    while day <= min(last, today):
        yield day
        day += datetime.timedelta(days=1)


def identity_candidates(
    knowledge: Knowledge, *, limit: int = SAFE_CANDIDATES, today: datetime.date | None = None
) -> int:
    """The count of valid numbers consistent with ``knowledge``, stopping once it reaches ``limit``."""
    today = today or datetime.date.today()
    known = knowledge.characters
    area = "".join(known.get(position, "0") for position in range(6))
    area_sum = sum(int(digit) * weight for digit, weight in zip(area, _WEIGHTS[:6], strict=True))
    # How many sequences 000–999 of the right parity, and matching the shown digits, give each residue.
    by_residue = [0] * 11
    for sequence in range(1000):
        digits = f"{sequence:03d}"
        if any(known.get(14 + i, digit) != digit for i, digit in enumerate(digits)):
            continue
        if knowledge.is_male is not None and (sequence % 2 == 1) != knowledge.is_male:
            continue
        by_residue[sum(int(d) * w for d, w in zip(digits, _WEIGHTS[14:], strict=True)) % 11] += 1
    check = known.get(17)
    wanted = _CHECK_CHARACTERS.index(check) if check is not None and check in _CHECK_CHARACTERS else None
    total = 0
    for day in _dates(knowledge, today):
        digits = f"{day:%Y%m%d}"
        if any(known.get(6 + i, digit) != digit for i, digit in enumerate(digits)):
            continue
        partial = area_sum + sum(int(d) * w for d, w in zip(digits, _WEIGHTS[6:14], strict=True))
        total += sum(by_residue) if wanted is None else by_residue[(wanted - partial) % 11]
        if total >= limit:
            return total
    return total
