"""One language per output: ``counterpart report --format text|html|pdf`` writes Chinese by default and
English with ``--language en``; a Chinese report holds no English UI words and an English one no
Chinese UI text (data such as names and titles stay as entered), numbers in the one number style."""

import io
import re
from html import escape, unescape
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pdfminer.high_level import extract_text

from counterpart.web.tests.test_one_language import (
    HAN,
    _catalogue_msgids,
    chinese_on_english_page,
    data_names,
    english_on_chinese_page,
)

PROGRAM = "qingdao-guizhou"


def _report(kind: str, language: str | None, tmp_path: Path) -> str:
    target = tmp_path / f"report-{language}.{kind}"
    arguments = ["report", "--program", PROGRAM, "--year", "2009", "--format", kind, "--output", str(target)]
    if language:
        arguments += ["--language", language]
    call_command(*arguments, stdout=StringIO())
    if kind == "pdf":
        return extract_text(io.BytesIO(target.read_bytes()))
    return target.read_text(encoding="utf-8")


def _as_page(text: str) -> str:
    """Plain text as a page of paragraphs, so the page checks read it line by line."""
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())


def _names() -> set[str]:
    """The data as entered: names and titles, the parts of published breakdowns (安顺市) and the
    product units enterprises report their capacity in (台冰箱)."""
    from counterpart.enterprise.models import EnterpriseReport
    from counterpart.indicators.models import ReportedValue

    names = data_names()
    names.update(EnterpriseReport.objects.exclude(capacity_unit="").values_list("capacity_unit", flat=True))
    for dimension, code in ReportedValue.objects.values_list("breakdown_dimension", "breakdown_code"):
        names.update(value for value in (dimension, code) if value)
    return names


def _chinese_left(text: str, names: set[str]) -> list[str]:
    """Lines of an English output that still hold Chinese once the data (names, titles) is taken out."""
    ordered = sorted((name for name in names if HAN.search(name)), key=len, reverse=True)
    found = []
    for line in text.splitlines():
        rest = line
        for name in ordered:
            if name in rest:
                rest = rest.replace(name, " ")
        if HAN.search(rest):
            found.append(line.strip()[:100])
    return found


@pytest.mark.parametrize("kind", ["text", "html", "pdf"])
def test_the_chinese_report_holds_no_english_ui_words(demo_program, tmp_path, kind) -> None:
    # when the report is written without a language (Chinese, the default, as on the web)
    output = _report(kind, None, tmp_path)
    # then it is Chinese, its numbers in 万/亿 with Chinese units
    assert "1640万元" in output and "5万余人" in output
    assert "16,400,000" not in output and "million" not in output
    page = output if kind == "html" else _as_page(output)
    assert english_on_chinese_page(page, _names()) == []


@pytest.mark.parametrize("kind", ["text", "html", "pdf"])
def test_the_english_report_holds_no_chinese_ui_text(demo_program, tmp_path, kind) -> None:
    output = _report(kind, "en", tmp_path)
    assert "16.4 million yuan" in output and "more than 50,000 persons" in output
    assert "1640万" not in output and "元" not in output
    names = _names()
    if kind == "html":
        assert '<html lang="en">' in output
        assert chinese_on_english_page(output, _catalogue_msgids()) == []
    # every line, once the data is taken out, is free of Chinese
    text = (
        unescape(re.sub(r"<(script|style)[^>]*>.*?</\\1>|<[^>]+>", "\n", output, flags=re.S))
        if kind == "html"
        else output
    )
    assert _chinese_left(text, names) == []
