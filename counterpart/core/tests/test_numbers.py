"""The one number style: Chinese 万/亿 with units and qualifiers, English thousands and millions."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterpart.core.numbers import count_text, figure_text, number_en, number_zh, yuan_text


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        (Decimal("16400000.00"), "yuan", "", "1640万元"),
        (Decimal("134100000"), "yuan", "", "1.341亿元"),
        (50000, "persons", "more_than", "5万余人"),
        (1000000, "yuan", "nearly", "近100万元"),
        (2100, "persons", "about", "约2100人"),
        (100000000, "yuan", "more_than", "1亿余元"),
        (Decimal("87580.00"), "yuan", "", "8.76万元"),
        (Decimal("875.50"), "yuan", "", "875.5元"),
        (12, "pairs", "", "12对"),
        (0, "yuan", "", "0元"),
    ],
)
def test_chinese_figures_are_written_as_the_yearbooks_write_them(value, unit, qualifier, expected):
    assert figure_text(value, unit, qualifier, language="zh-hans") == expected


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "expected"),
    [
        (Decimal("16400000.00"), "yuan", "", "16.4 million yuan"),
        (Decimal("1341000000"), "yuan", "", "1.34 billion yuan"),
        (50000, "persons", "more_than", "more than 50,000 persons"),
        (Decimal("87580.00"), "yuan", "", "87,580 yuan"),
        (1234, "count", "", "1,234"),
        (1000000, "yuan", "nearly", "nearly 1 million yuan"),
    ],
)
def test_english_figures_use_thousands_and_millions(value, unit, qualifier, expected):
    assert figure_text(value, unit, qualifier, language="en") == expected


def test_the_styles_the_issue_names_never_appear():
    # given the figures the old report printed as "100,000,000.00余", "近1,000,000.00", "50,000余人"
    texts = [
        figure_text(100_000_000, "yuan", "more_than", language="zh-hans"),
        figure_text(1_000_000, "yuan", "nearly", language="zh-hans"),
        figure_text(50_000, "persons", "more_than", language="zh-hans"),
    ]
    # then none has a thousands separator or a ".00"
    assert all("," not in text and ".00" not in text for text in texts), texts


def test_amounts_in_fen_and_counts():
    assert yuan_text(1_640_000_000, language="zh-hans") == "1640万元"
    assert yuan_text(None) == ""
    assert count_text(2040, language="zh-hans") == "2040"
    assert count_text(2040, language="en") == "2,040"


def _zh_value(text: str) -> Decimal:
    """Read back what number_zh wrote."""
    if text.endswith("亿"):
        return Decimal(text[:-1]) * 100_000_000
    if text.endswith("万"):
        return Decimal(text[:-1]) * 10_000
    return Decimal(text)


def _en_value(text: str) -> Decimal:
    text = text.replace(",", "")
    if text.endswith(" billion"):
        return Decimal(text.removesuffix(" billion")) * 1_000_000_000
    if text.endswith(" million"):
        return Decimal(text.removesuffix(" million")) * 1_000_000
    return Decimal(text)


amounts = st.decimals(min_value=0, max_value=Decimal(10) ** 13, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_chinese_numbers_read_back_within_the_rounding_of_their_magnitude(value):
    text = number_zh(value)
    # then the text is digits, at most one point and at most one magnitude word, no separator
    assert re.fullmatch(r"\d+(\.\d+)?[万亿]?", text), text
    # and it reads back to the value within half a unit of its last place
    back = _zh_value(text)
    step = Decimal("0.00005") * 100_000_000 if text.endswith("亿") else Decimal("0.005")
    if text.endswith("万"):
        step = Decimal("0.005") * 10_000
    assert abs(back - value) <= step


@given(amounts)
def test_chinese_magnitude_word_follows_the_size(value):
    text = number_zh(value)
    if value >= 100_000_000:
        assert text.endswith("亿")
    elif value >= 10_000:
        assert text.endswith("万") or text == "1亿"  # 9999.995万 rounds up
    else:
        assert text[-1].isdigit()


@given(amounts)
def test_english_numbers_read_back_and_group_thousands(value):
    text = number_en(value)
    assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?( million| billion)?", text), text
    back = _en_value(text)
    step = Decimal("0.005") * (1_000_000_000 if "billion" in text else 1_000_000 if "million" in text else 1)
    assert abs(back - value) <= step


@given(amounts, st.sampled_from(["", "more_than", "nearly", "about"]), st.sampled_from(["yuan", "persons", "km"]))
def test_qualifier_sits_where_chinese_puts_it(value, qualifier, unit):
    text = figure_text(value, unit, qualifier, language="zh-hans")
    number = number_zh(value)
    unit_zh = {"yuan": "元", "persons": "人", "km": "公里"}[unit]
    expected = {"": number, "more_than": f"{number}余", "nearly": f"近{number}", "about": f"约{number}"}[qualifier]
    assert text == expected + unit_zh


def test_a_list_exported_to_xlsx_keeps_amounts_as_numbers_with_a_number_format(tmp_path):
    import openpyxl
    import xlsxwriter

    from counterpart.intake.exporters import _xlsx_write

    path = tmp_path / "n.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("n")
    formats = {
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "number": workbook.add_format({"num_format": "#,##0.##"}),
    }
    _xlsx_write(sheet, 0, 0, Decimal("16400000.00"), formats)
    _xlsx_write(sheet, 0, 1, 2040, formats)
    workbook.close()
    cells = openpyxl.load_workbook(path)["n"][1]
    assert cells[0].value == 16_400_000 and cells[0].number_format == "#,##0.00"
    assert cells[1].value == 2040 and cells[1].number_format == "#,##0.##"
