"""Choice labels: Chinese in the code (``pgettext_lazy("choice", "在建")``), English in the catalogue.

A page shows a label in its own language by ``str(label)``; what needs both languages at once (import
templates that accept either, IATI's narratives) asks for each here.
"""

from typing import Any

from django.utils import translation

SOURCE_LANGUAGE = "zh-hans"


def label_texts(label: Any) -> tuple[str, str]:
    """(Chinese, English) of a choice label."""
    with translation.override(SOURCE_LANGUAGE):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return zh, en
