"""``{{ program|named }}``: a record's name in the page's language (``name_en``/``title_en`` on English pages
when it has one, else the Chinese), so that a page shows one language, never both names side by side."""

from typing import Any

from django import template

from counterpart.core.audit_labels import action_label
from counterpart.core.language import pick

register = template.Library()


@register.filter
def named(record: Any, field: str = "name") -> str:
    return pick(getattr(record, f"{field}_zh", "") or "", getattr(record, f"{field}_en", ""))


@register.filter
def audit_action(action: str) -> str:
    """``project.propose`` as words: 项目 · 申报 / project: proposed."""
    return action_label(action)
