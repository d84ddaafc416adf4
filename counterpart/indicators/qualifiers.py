"""Qualifiers of published figures as a clerk types them: 余/近/约, "more than", and a share of another
figure ("70% of fiscal_aid", "占 fiscal_aid 的 70%"), which keeps the share and the figure it is of."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from counterpart.core.errors import InvalidInput

from .models import Qualifier

_WORDS: dict[str, str] = {
    "": Qualifier.EXACT,
    "exact": Qualifier.EXACT,
    "精确": Qualifier.EXACT,
    "more_than": Qualifier.MORE_THAN,
    "more than": Qualifier.MORE_THAN,
    "over": Qualifier.MORE_THAN,
    "余": Qualifier.MORE_THAN,
    "多": Qualifier.MORE_THAN,
    "以上": Qualifier.MORE_THAN,
    "余 more than": Qualifier.MORE_THAN,
    "nearly": Qualifier.NEARLY,
    "近": Qualifier.NEARLY,
    "近 nearly": Qualifier.NEARLY,
    "about": Qualifier.ABOUT,
    "约": Qualifier.ABOUT,
    "左右": Qualifier.ABOUT,
    "约 about": Qualifier.ABOUT,
}
_SHARE_EN = re.compile(r"^(?P<percent>\d+(?:\.\d+)?)\s*%\s*of\b\s*(?P<of>[a-z][a-z0-9_]*)?$")
_SHARE_ZH = re.compile(r"^占\s*(?P<of>[a-z][a-z0-9_]*)?\s*的?\s*(?P<percent>\d+(?:\.\d+)?)\s*%$")


@dataclass(frozen=True)
class ParsedQualifier:
    qualifier: str
    share_percent: Decimal | None = None
    share_of: str = ""


def qualifier_parse(text: object, share_of: str = "") -> ParsedQualifier:
    """A qualifier typed in either language; a share names the figure it is of here or in ``share_of``."""
    typed = re.sub(r"\s+", " ", str(text or "").strip().lower())
    if typed in _WORDS:
        return ParsedQualifier(_WORDS[typed])
    match = _SHARE_EN.match(typed) or _SHARE_ZH.match(typed)
    if match is None:
        accepted = "余 more than、近 nearly、约 about、70% of fiscal_aid"
        raise InvalidInput("qualifier", text, _("未知的限定词，可写：%(accepted)s") % {"accepted": accepted})
    percent = Decimal(match["percent"])
    of = match["of"] or share_of.strip()
    if not of:
        raise InvalidInput("qualifier", text, _("占比须写明是哪个指标的占比，如“70% of fiscal_aid”"))
    if not Decimal(0) < percent <= Decimal(100):
        raise InvalidInput("qualifier", text, _("占比应在 0 到 100% 之间"))
    return ParsedQualifier(Qualifier.EXACT, percent, of)
