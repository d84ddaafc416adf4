import pytest

from counterpart.core.errors import InvalidInput
from counterpart.indicators.catalogue import catalogue_rows
from counterpart.indicators.models import Aggregation, Indicator
from counterpart.indicators.services import indicator_create, reported_value_enter


def test_the_default_catalogue_is_loaded_with_stable_keys(db) -> None:
    keys = set(Indicator.objects.filter(is_builtin=True).values_list("key", flat=True))
    assert keys == {row["key"] for row in catalogue_rows()}
    assert {"fiscal_aid", "beneficiaries", "taxes_paid", "enterprise_assets", "villages_advanced"} <= keys
    assert Indicator.objects.get(key="enterprise_assets").aggregation == Aggregation.LATEST
    assert Indicator.objects.get(key="beneficiaries").aggregation == Aggregation.UNIQUE


def test_users_add_their_own_indicators(db, actor) -> None:
    indicator = indicator_create(
        actor=actor,
        key="tea_gardens_mu",
        name_zh="茶园面积",
        name_en="Tea gardens",
        topic="outputs",
        unit="mu",
        aggregation="sum",
    )
    assert indicator.assessment_area == "funds" and not indicator.is_builtin
    with pytest.raises(InvalidInput) as error:
        indicator_create(
            actor=actor, key="Bad Key", name_zh="x", name_en="x", topic="outputs", unit="mu", aggregation="sum"
        )
    assert error.value.field == "key"
    with pytest.raises(InvalidInput):
        indicator_create(
            actor=actor, key="tea_gardens_mu", name_zh="x", name_en="x", topic="outputs", unit="mu", aggregation="sum"
        )


def test_reported_values_name_a_catalogue_indicator_in_its_unit(program, actor) -> None:
    value = reported_value_enter(actor=actor, program=program, indicator_key="labour_trained", year=2009, value="12000")
    assert value.unit == "persons"
    with pytest.raises(InvalidInput) as error:
        reported_value_enter(actor=actor, program=program, indicator_key="happiness", year=2009, value=1)
    assert error.value.field == "indicator_key"
    with pytest.raises(InvalidInput) as error:
        reported_value_enter(
            actor=actor, program=program, indicator_key="fiscal_aid", year=2009, value=1640, unit="公里"
        )
    assert (error.value.field, error.value.value) == ("unit", "公里")
    with pytest.raises(InvalidInput) as error:
        reported_value_enter(actor=actor, program=program, indicator_key="fiscal_aid", year=2009, value=-1)
    assert error.value.field == "value"
