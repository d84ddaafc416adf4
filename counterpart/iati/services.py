"""Writes for IATI settings: a program's publisher identity. Atomic and audited."""

import re

from django.db import transaction

from counterpart.core.audit import Actor, audit_record, snapshot
from counterpart.core.errors import InvalidInput
from counterpart.registry.models import Program

from .models import IatiPublisher
from .selectors import PLACEHOLDER_PREFIX

# IATI organisation identifiers: a registration agency prefix, a hyphen, the agency's code.
_ORGANISATION_REF = re.compile(r"^[A-Z]{2,}(-[A-Za-z0-9]+)+$")


def iati_publisher_set(
    *,
    actor: Actor,
    program: Program,
    organisation_ref: str,
    name_zh: str,
    name_en: str = "",
    organisation_type: str = "10",
) -> IatiPublisher:
    """Record how a program is published to IATI (its reporting organisation)."""
    organisation_ref = organisation_ref.strip()
    if not _ORGANISATION_REF.match(organisation_ref):
        raise InvalidInput(
            "organisation_ref", organisation_ref, "IATI 机构标识符格式应为“机构前缀-代码”，如 CN-USCC-… (AGENCY-CODE)"
        )
    if not name_zh.strip():
        raise InvalidInput("name_zh", name_zh, "发布者名称不能为空 publisher name is required")
    with transaction.atomic():
        publisher = IatiPublisher.objects.select_for_update().filter(program=program).first()
        before = snapshot(publisher) if publisher else None
        if publisher is None:
            publisher = IatiPublisher(program=program)
        publisher.organisation_ref = organisation_ref
        publisher.name_zh = name_zh.strip()
        publisher.name_en = name_en.strip()
        publisher.organisation_type = organisation_type
        publisher.is_placeholder = organisation_ref.startswith(PLACEHOLDER_PREFIX)
        publisher.save()
        audit_record(actor, "iati.publisher_set", publisher, before=before)
    return publisher
