"""A number registered twice: refused without an oracle, audited, rate-limited, and told to the office.

A county that registers a number another county registered must not learn that (nor where): the
refusal reads the same wherever the first registration is — "this number cannot be registered; the
program office has been told" — so it says no more than a refusal of a number in the county's own
registry, which the county can see anyway. Each refusal is an audit event (``person.duplicate_refused``)
naming the person already registered, written in its own transaction so the refusal cannot roll it
back; that event is the program office's notice (``duplicate_notices``) to merge or move the person.
More than ``PERSON_DUPLICATE_REFUSALS_PER_HOUR`` (default 10) refusals in an hour stop the actor's
registrations with a number until the hour has passed, so the refusal cannot be used in bulk.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record
from counterpart.core.errors import InvalidInput
from counterpart.core.models import AuditEvent

from .identity import identity_mask
from .models import Person

REFUSED = "person.duplicate_refused"


class DuplicateIdentity(InvalidInput):
    """The number is registered already (anywhere)."""


def duplicate_error(field: str, number: str | None) -> DuplicateIdentity:
    return DuplicateIdentity(field, identity_mask(number), _("该身份证号码不能登记，已通知项目办公室核查"))


def _recent_refusals(actor: Actor) -> int:
    since = timezone.now() - datetime.timedelta(hours=1)
    events = AuditEvent.objects.filter(action=REFUSED, at__gte=since)
    return events.filter(actor_label=actor.label).count()


def registration_allowed_check(actor: Actor, field: str, number: str | None) -> None:
    """Refuse every registration with a number while the actor is over its hourly refusals."""
    limit = int(getattr(settings, "PERSON_DUPLICATE_REFUSALS_PER_HOUR", 10))
    if number and _recent_refusals(actor) >= limit:
        raise InvalidInput(field, identity_mask(number), _("登记被拒次数过多，请一小时后再试或联系项目办公室"))


def duplicate_refusal_record(actor: Actor, blind_index: bytes | memoryview | None) -> None:
    """The audit event (and the office's notice) of one refused duplicate, in its own transaction."""
    existing = Person.objects.filter(identity_blind_index=blind_index).first() if blind_index else None
    if existing is None:
        return
    with transaction.atomic():
        audit_record(actor, REFUSED, existing, after={"refused_for": actor.label, "county_code": existing.county_code})


def duplicate_notices() -> QuerySet[AuditEvent]:
    """What the program office reviews: each refused duplicate, newest first, naming the registered person."""
    return AuditEvent.objects.filter(action=REFUSED).order_by("-at")
