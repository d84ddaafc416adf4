from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterpart.core.errors import InvalidInput
from counterpart.core.money import MONEY_MAX_FEN, fen_to_yuan, format_yuan, yuan_to_fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("16400000", 1_640_000_000),
        ("16,400,000.00", 1_640_000_000),
        ("1640万", 1_640_000_000),
        ("0.01", 1),
        ("1.5亿", 15_000_000_000),
        (12, 1200),
        (Decimal("0.10"), 10),
    ],
)
def test_yuan_to_fen_reads_what_users_type(text: object, fen: int) -> None:
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize("bad", ["0.001", "abc", "", "1e", "NaN", "Infinity"])
def test_yuan_to_fen_refuses_and_names_the_value(bad: str) -> None:
    with pytest.raises(InvalidInput) as error:
        yuan_to_fen(bad, field="budget")
    assert error.value.field == "budget"
    assert error.value.value == bad


@pytest.mark.parametrize("huge", ["10000000000000.01", "-10000000000000.01", "1e30", "1e20亿", 10**14])
def test_yuan_to_fen_refuses_amounts_beyond_ten_trillion_yuan(huge: object) -> None:
    # Beyond the bound a 64-bit column overflows (SQLite raised OverflowError from an IATI import).
    with pytest.raises(InvalidInput) as error:
        yuan_to_fen(huge, field="value")
    assert error.value.value == huge


def test_yuan_to_fen_accepts_ten_trillion_yuan_exactly() -> None:
    assert yuan_to_fen("10000000000000") == MONEY_MAX_FEN == yuan_to_fen("-10000000000000") * -1


def test_yuan_to_fen_refuses_floats() -> None:
    with pytest.raises(InvalidInput):
        yuan_to_fen(0.1)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_fen_round_trips_through_yuan_text(fen: int) -> None:
    assert yuan_to_fen(str(fen_to_yuan(fen))) == fen
    assert yuan_to_fen(format_yuan(fen)) == fen


@pytest.mark.parametrize("text", ["9999999999999991e30999999", "1e1000000", "-1E999999999"])
def test_an_exponent_past_the_decimal_context_is_refused_not_raised(text: str) -> None:
    # The import fuzz (seed 1609, file 798): the multiplication raised decimal.Overflow out of the reader.
    with pytest.raises(InvalidInput):
        yuan_to_fen(text, field="budget")


@pytest.mark.parametrize("text", ["1e-30999999", "0.001", "0.0000001万"])
def test_an_amount_finer_than_a_fen_is_refused_even_when_tiny(text: str) -> None:
    with pytest.raises(InvalidInput):
        yuan_to_fen(text)


def test_a_unit_suffix_makes_small_digits_whole_fen() -> None:
    assert yuan_to_fen("0.0001万") == 100
    assert yuan_to_fen("0.000001亿") == 10000
