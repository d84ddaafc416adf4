"""Unit spellings of published figures, in Chinese and English, and their conversion to base units.

Each indicator has one fixed base unit (catalogue.csv). A clerk types what the page prints —
``万元``, ``persons``, ``项``, ``projects`` — and the value is converted exactly (Decimal) to the base
unit, or refused with a message that names the accepted spellings or, when the unit fits another
indicator (person-times for a key counted in persons), that indicator's key.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from counterpart.core.errors import InvalidInput

ONE = Decimal(1)


def _ones(*spellings: str) -> dict[str, Decimal]:
    return dict.fromkeys(spellings, ONE)


# Base unit -> spellings (lower-cased English, Chinese as printed) with their factor to the base unit.
_SPELLINGS: dict[str, dict[str, Decimal]] = {
    "yuan": _ones("yuan", "元", "rmb", "cny", "人民币元")
    | {"万元": Decimal(10_000), "10,000 yuan": Decimal(10_000), "ten thousand yuan": Decimal(10_000)}
    | {"亿元": Decimal(100_000_000), "100 million yuan": Decimal(100_000_000)},
    # Things counted: a count indicator accepts the noun the page counts ("projects", "schools", 个, 项 …).
    "count": _ones(
        *(
            "count",
            "number",
            "projects",
            "project",
            "schools",
            "school",
            "hospitals",
            "hospital",
            "enterprises",
            "enterprise",
            "agreements",
            "agreement",
            "trainings",
            "training",
            "courses",
            "course",
            "sessions",
            "tanks",
            "tank",
            "sets",
            "set",
            "houses",
            "house",
            "units",
            "visits",
            "visit",
            "meetings",
            "meeting",
            "events",
            "event",
            "districts",
            "counties",
            "teams",
        ),
        "health centres",
        *("个", "项", "所", "家", "座", "套", "期", "处", "栋", "次", "场", "支", "口"),
    ),
    "persons": _ones("persons", "person", "people", "人", "名"),
    "person-times": _ones("person-times", "person-time", "person times", "人次"),
    "km": _ones("km", "kilometres", "kilometers", "公里", "千米"),
    "mu": _ones("mu", "亩") | {"万亩": Decimal(10_000)},
    "heads": _ones("heads", "head", "头", "头（只）", "只"),
    "households": _ones("households", "household", "户"),
    "villages": _ones("villages", "village", "村", "个村"),
    "pieces": _ones("pieces", "piece", "items", "件") | {"万件": Decimal(10_000)},
    "pairs": _ones("pairs", "pair", "对"),
    "units per year": _ones("units per year", "units/year", "台/年", "台（套）/年"),
}
# Units that are counts of a particular thing also take the generic count spellings (个).
_ALSO_COUNT = frozenset({"villages", "pairs"})

_LOOKUP: dict[str, tuple[str, Decimal]] = {
    spelling: (base, factor) for base, spellings in _SPELLINGS.items() for spelling, factor in spellings.items()
}


@dataclass(frozen=True)
class Unit:
    base: str
    factor: Decimal


def unit_parse(spelling: str) -> Unit | None:
    """The base unit and factor of a spelling, or None when it is not one we know."""
    text = re.sub(r"\s+", " ", str(spelling).strip().lower())
    found = _LOOKUP.get(text)
    return Unit(*found) if found else None


def unit_spellings(base: str) -> list[str]:
    """The accepted spellings of a base unit, base unit first."""
    spellings = list(_SPELLINGS.get(base, {}))
    if base in _ALSO_COUNT:
        spellings += ["个"]
    return [base] + [s for s in spellings if s != base]


def _stem(token: str) -> str:
    for ending in ("ing", "ed", "s"):
        if token.endswith(ending) and len(token) - len(ending) >= 4:
            return token[: -len(ending)]
    return token


_UNIT_WORDS = frozenset({"person", "persons", "times", "count", "total", "km", "mu", "yuan"})


def _tokens(key: str) -> set[str]:
    return {_stem(token) for token in key.split("_") if token not in _UNIT_WORDS}


def indicator_for_unit(key: str, topic: str, base: str) -> str | None:
    """The catalogue key most like ``key`` whose unit is ``base`` (person-times for a figure in persons)."""
    from .models import Indicator

    wanted = _tokens(key)
    best: tuple[int, str] | None = None
    for other, other_topic in Indicator.objects.filter(unit=base).exclude(key=key).values_list("key", "topic"):
        tokens = _tokens(other)
        if not wanted & tokens:
            continue
        # Shared words count most; words the other key has beyond ours count against it.
        score = 2 * len(wanted & tokens) - len(tokens - wanted) + (1 if other_topic == topic else 0)
        if best is None or score > best[0]:
            best = (score, other)
    return best[1] if best else None


def value_in_base_unit(indicator_key: str, topic: str, base: str, value: Decimal, spelling: str) -> Decimal:
    """``value`` given in ``spelling`` as a value in the indicator's base unit, exactly; or InvalidInput
    naming the accepted spellings, or the key whose unit the spelling fits."""
    if not str(spelling or "").strip():
        return value
    unit = unit_parse(spelling)
    if unit is not None and unit.base == "count" and base in _ALSO_COUNT:
        unit = Unit(base, unit.factor)
    if unit is None or unit.base != base:
        accepted = "、".join(unit_spellings(base)[:12])
        other = indicator_for_unit(indicator_key, topic, unit.base) if unit is not None else None
        if other is not None:
            message = _(
                "该指标的单位是“%(unit)s”；以“%(spelling)s”计的数请用指标 %(other)s（use %(other)s for %(spelling)s）"
            )
            raise InvalidInput("unit", spelling, message % {"unit": base, "spelling": spelling, "other": other})
        message = _("单位应为该指标的单位“%(unit)s”，可写：%(accepted)s")
        raise InvalidInput("unit", spelling, message % {"unit": base, "accepted": accepted})
    converted = value * unit.factor
    if converted != converted.quantize(Decimal("0.01")):
        raise InvalidInput("value", value, _("换算为基本单位后超过两位小数"))
    return converted
