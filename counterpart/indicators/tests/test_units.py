from decimal import Decimal

import pytest

from counterpart.core.errors import InvalidInput
from counterpart.indicators.qualifiers import qualifier_parse
from counterpart.indicators.services import reported_value_enter
from counterpart.indicators.units import unit_parse, value_in_base_unit


@pytest.mark.parametrize(
    ("spelling", "base", "factor"),
    [
        ("元", "yuan", 1),
        ("万元", "yuan", 10_000),
        ("亿元", "yuan", 100_000_000),
        ("个", "count", 1),
        ("项", "count", 1),
        ("Projects", "count", 1),
        ("人", "persons", 1),
        ("persons", "persons", 1),
        ("人次", "person-times", 1),
        ("person-times", "person-times", 1),
        ("公里", "km", 1),
        ("km", "km", 1),
        ("亩", "mu", 1),
    ],
)
def test_unit_spellings_in_both_languages(spelling: str, base: str, factor: int) -> None:
    unit = unit_parse(spelling)
    assert unit is not None
    assert (unit.base, unit.factor) == (base, Decimal(factor))


def test_wan_and_yi_yuan_convert_exactly(program, actor) -> None:
    # given 1640.37万元 and 0.3125亿元, figures whose float product is not exact
    first = reported_value_enter(
        actor=actor, program=program, indicator_key="fiscal_aid", year=2009, value="1640.37", unit="万元"
    )
    second = reported_value_enter(
        actor=actor, program=program, indicator_key="fiscal_aid", year=2011, value="0.3125", unit="亿元"
    )
    # then
    assert (first.value, first.unit) == (Decimal("16403700"), "yuan")
    assert second.value == Decimal("31250000")


def test_a_unit_of_another_indicator_names_that_indicator(db) -> None:
    with pytest.raises(InvalidInput) as error:
        value_in_base_unit("cadres_trained", "talent", "persons", Decimal(4686), "person-times")
    assert "cadre_training_person_times" in error.value.reason
    with pytest.raises(InvalidInput) as error:
        value_in_base_unit("training_person_times", "talent", "person-times", Decimal(10), "人")
    assert "training_persons" in error.value.reason


def test_an_unknown_unit_names_the_accepted_spellings(db) -> None:
    with pytest.raises(InvalidInput) as error:
        value_in_base_unit("road_km", "outputs", "km", Decimal(82), "miles")
    assert "公里" in error.value.reason and "km" in error.value.reason


def test_a_share_of_another_figure_keeps_the_share_and_the_relation() -> None:
    assert qualifier_parse("70% of fiscal_aid").share_percent == Decimal(70)
    assert qualifier_parse("70% of", share_of="fiscal_aid").share_of == "fiscal_aid"
    assert qualifier_parse("占 fiscal_aid 的 70%").share_of == "fiscal_aid"
    assert qualifier_parse("余").qualifier == "more_than"
    with pytest.raises(InvalidInput):
        qualifier_parse("70% of")
    with pytest.raises(InvalidInput):
        qualifier_parse("roughly")
