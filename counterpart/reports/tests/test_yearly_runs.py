"""A figure composed from parts over a long range finds the years that hold records by halving the range,
and finds exactly those: every year with the figure, none without, in far fewer reports than years."""

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from counterpart.reports import annual


@given(
    first=st.integers(1949, 2030),
    span=st.integers(0, 150),
    holding=st.sets(st.integers(1949, 2180), max_size=8),
)
def test_the_years_found_are_those_whose_records_give_the_figure(first: int, span: int, holding: set[int]) -> None:
    last = first + span
    asked: list[tuple[int, int | None]] = []

    def records(program: Any, year: int, scope: Any, year_to: int | None = None) -> Any:
        asked.append((year, year_to))
        years = set(range(year, (year_to or year) + 1))
        return SimpleNamespace(figures={"fiscal_aid": object()} if years & holding else {})

    original = annual._records_report
    annual._records_report = records
    try:
        report = SimpleNamespace(year=first, last_year=last, program=None, scope=None)
        found = annual._Yearly(report).years_with("fiscal_aid")  # type: ignore[arg-type]
    finally:
        annual._records_report = original
    assert set(found) == {year for year in holding if first <= year <= last}
    # each holding year costs at most two reports a level of the halving (about 2·8 for 151 years)
    assert len(asked) <= 1 + 2 * 8 * max(1, len(found))
