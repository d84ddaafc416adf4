"""<participating-org>: funding and extending (the donor side), implementing (the recipient side).

Roles (OrganisationRole codelist): 1 Funding — the donor area's government; 3 Extending — the
program's lead office (the publisher); 4 Implementing — the recipient county (or village) side.
OrganisationType 10 = Government.
"""

from lxml import etree

from counterpart.projects.models import Project

from ..xml import narrative_parent
from .context import LANG_EN, LANG_ZH, ExportContext

ROLE_FUNDING, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "3", "4"
TYPE_GOVERNMENT = "10"


def _org(role: str, names: dict[str, str], ref: str = "") -> etree._Element:
    element = narrative_parent("participating-org", names)
    if ref:
        element.set("ref", ref)
    element.set("role", role)
    element.set("type", TYPE_GOVERNMENT)
    return element


def participating_org(project: Project, context: ExportContext) -> list[etree._Element]:
    donor = project.program.donor_area
    recipient = project.recipient_area
    publisher = context.publisher
    return [
        _org(
            ROLE_FUNDING,
            {LANG_ZH: f"{donor.name_zh}人民政府", LANG_EN: f"{donor.name_en} Government" if donor.name_en else ""},
        ),
        _org(ROLE_EXTENDING, {LANG_ZH: publisher.name_zh, LANG_EN: publisher.name_en}, publisher.organisation_ref),
        _org(
            ROLE_IMPLEMENTING,
            {
                LANG_ZH: f"{recipient.name_zh}人民政府",
                LANG_EN: f"{recipient.name_en} Government" if recipient.name_en else "",
            },
        ),
    ]
