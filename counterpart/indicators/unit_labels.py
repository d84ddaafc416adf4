"""The indicator catalogue's base units as pages print them (Chinese msgids, English in the catalogue)."""

from django.utils.translation import pgettext_lazy

# The base units as a page prints them: Chinese msgids (context "unit"), English in the catalogue.
UNIT_LABELS = {
    "yuan": pgettext_lazy("unit", "元"),
    "count": pgettext_lazy("unit", "个"),
    "persons": pgettext_lazy("unit", "人"),
    "person-times": pgettext_lazy("unit", "人次"),
    "households": pgettext_lazy("unit", "户"),
    "villages": pgettext_lazy("unit", "个村"),
    "pairs": pgettext_lazy("unit", "对"),
    "km": pgettext_lazy("unit", "公里"),
    "mu": pgettext_lazy("unit", "亩"),
    "heads": pgettext_lazy("unit", "头（只）"),
    "pieces": pgettext_lazy("unit", "件"),
    "units per year": pgettext_lazy("unit", "个/年"),
}


def unit_label(unit: str) -> str:
    """A base unit in the page's language (the stored spelling for a unit the table does not know)."""
    label = UNIT_LABELS.get(unit)
    return str(label) if label is not None else unit
