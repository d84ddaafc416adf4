"""A village's page and the report agree on the year it counts as advanced: its last component's."""

import datetime

import pytest

from counterpart.people.models import ComponentStatus, VillageComponentKind
from counterpart.people.selectors import village_advanced_in, villages_advanced_of
from counterpart.people.services import village_advancement_start, village_component_update

pytestmark = pytest.mark.django_db


def test_the_page_and_the_report_count_the_village_in_the_year_of_its_last_component(actor, program, areas) -> None:
    advancement = village_advancement_start(
        actor=actor, program=program, village=areas["520422100201"], start_year=2010
    )
    dates = [datetime.date(2010, 5, 1), datetime.date(2012, 8, 1), datetime.date(2011, 1, 1)]
    kinds = VillageComponentKind.values
    for kind, date in zip(kinds, dates * 2, strict=False):
        village_component_update(
            actor=actor, advancement=advancement, component=kind, status=ComponentStatus.COMPLETE, completed_on=date
        )
        if kind != kinds[-1]:
            assert village_advanced_in(list(advancement.components.all())) is None
    assert village_advanced_in(list(advancement.components.all())) == 2012
    assert list(villages_advanced_of(program, 2012)) == [advancement]
    # a component reopened: no longer advanced, on the page or in the report
    village_component_update(
        actor=actor, advancement=advancement, component=kinds[0], status=ComponentStatus.IN_PROGRESS
    )
    assert village_advanced_in(list(advancement.components.all())) is None
    assert not villages_advanced_of(program, 2012).exists()
