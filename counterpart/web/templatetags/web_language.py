"""``{{ program|named }}``: a record's name in the page's language (``name_en``/``title_en`` on English pages
when it has one, else the Chinese), so that a page shows one language, never both names side by side."""

from typing import Any

from django import template
from django.utils.translation import get_language

from counterpart.core.audit_labels import action_label

register = template.Library()


@register.filter
def named(record: Any, field: str = "name") -> str:
    zh = getattr(record, f"{field}_zh", "") or ""
    if (get_language() or "zh-hans").startswith("en"):
        return getattr(record, f"{field}_en", "") or zh
    return zh


@register.filter
def audit_action(action: str) -> str:
    """``project.propose`` as words: 项目 · 申报 / project: proposed."""
    return action_label(action)
