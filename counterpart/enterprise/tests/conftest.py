"""Enterprise fixtures: a donor-side company with a factory in a recipient county, a recipient-side seller."""

import pytest

from counterpart.core.audit import Actor
from counterpart.enterprise.models import Enterprise, Operation, OperationKind, Sector, Side
from counterpart.enterprise.services import enterprise_register, operation_record
from counterpart.registry.models import OrganisationKind
from counterpart.registry.services import organisation_create


@pytest.fixture
def company(program, areas: dict, actor: Actor) -> Enterprise:
    organisation = organisation_create(
        actor=actor, name_zh="红星集团", kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
    )
    return enterprise_register(actor=actor, organisation=organisation, side=Side.DONOR, programs=[program])


@pytest.fixture
def second_company(program, areas: dict, actor: Actor) -> Enterprise:
    organisation = organisation_create(
        actor=actor, name_zh="海尔集团", kind=OrganisationKind.ENTERPRISE, area=areas["3702"]
    )
    return enterprise_register(actor=actor, organisation=organisation, side=Side.DONOR, programs=[program])


@pytest.fixture
def factory(company: Enterprise, areas: dict, actor: Actor) -> Operation:
    organisation = organisation_create(
        actor=actor, name_zh="镇宁红星化工", kind=OrganisationKind.ENTERPRISE, area=areas["520422"]
    )
    return operation_record(
        actor=actor,
        enterprise=company,
        organisation=organisation,
        kind=OperationKind.RESTRUCTURED_FACTORY,
        area=areas["520422"],
        sector=Sector.CHEMICALS,
        start_year=2002,
        restructured_factory_name="普定县化工厂",
    )


@pytest.fixture
def seller(program, areas: dict, actor: Actor) -> Enterprise:
    organisation = organisation_create(
        actor=actor, name_zh="普定茶业", kind=OrganisationKind.ENTERPRISE, area=areas["520422"]
    )
    return enterprise_register(
        actor=actor, organisation=organisation, side=Side.RECIPIENT, programs=[program], sector=Sector.FOOD_PROCESSING
    )
