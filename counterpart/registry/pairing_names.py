"""A pairing named as a clerk names it: by the donor's and the recipient's names ("市南区→西秀区",
"Jinan -> Wulong"), in either language, or by the pairing's number."""

import re
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from counterpart.core.errors import InvalidInput

from .models import Pairing, Program

_ARROW = re.compile(r"\s*(?:→|->|—>|=>|—|–|－|\s-\s)\s*")


def pairing_label(pairing: Pairing) -> str:
    """The pairing as the intake names it, Chinese names first: 市南区→西秀区."""
    return f"{pairing.donor_area.name_zh}→{pairing.recipient_area.name_zh}"


def pairing_named(program: Program, text: str, context: Any = None, column: str = "pairing") -> Pairing:
    """The program's one pairing between the parties named; refused naming the text when none or several."""
    text = str(text).strip()
    if context is not None:
        return context.ref(("pairing", program.pk, text), lambda: pairing_named(program, text, None, column))
    pairings = Pairing.objects.filter(program=program).select_related("donor_area", "recipient_area")
    if text.isdigit():
        found = list(pairings.filter(pk=int(text)))
    else:
        parts = _ARROW.split(text, maxsplit=1)
        if len(parts) != 2 or not all(parts):
            raise InvalidInput(column, text, _("结对应写作“帮扶方→受援方”，如“市南区→西秀区”"))
        donor, recipient = parts
        found = list(
            pairings.filter(
                Q(donor_area__name_zh=donor) | Q(donor_area__name_en__iexact=donor) | Q(donor_area__code=donor),
                Q(recipient_area__name_zh=recipient)
                | Q(recipient_area__name_en__iexact=recipient)
                | Q(recipient_area__code=recipient),
            )
        )
    if not found:
        raise InvalidInput(column, text, _("该协作项目中没有这个结对"))
    if len(found) > 1:
        raise InvalidInput(column, text, _("该名称对应多个结对，请填写结对编号"))
    return found[0]
