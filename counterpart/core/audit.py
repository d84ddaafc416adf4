"""Recording audit events and snapshotting records for before/after."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models, transaction

from .audit_labels import ENTITIES, VERBS
from .models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who performs a domain action: a user, or a named system process (CLI, demo, importer)."""

    user: User | None = None
    label: str = ""
    # A named process acting on its own authority (demo, synth, migrations, restore, the CLI): the
    # policy lets it through. A user-less actor that is not a system one (anonymous) may do nothing.
    is_system: bool = False

    @property
    def db_user(self) -> User | None:
        """The user to store as author, or None for system processes and unsaved users."""
        return self.user if self.user is not None and self.user.pk else None

    @classmethod
    def system(cls, label: str) -> "Actor":
        return cls(user=None, label=label, is_system=True)

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser | None) -> "Actor":
        if user is None or not user.is_authenticated:
            return cls(user=None, label="anonymous")
        assert isinstance(user, User)
        return cls(user=user, label=user.get_username())

    def __str__(self) -> str:
        return self.label or "system"


SYSTEM = Actor.system("system")

# Fields never copied into audit snapshots: they hold secrets or ciphertext.
_SNAPSHOT_EXCLUDED = {"password", "identity_ciphertext", "identity_blind_index"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a record, JSON-ready, for the audit trail."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SNAPSHOT_EXCLUDED:
            continue
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    return data


def audit_action_check(action: str) -> None:
    """Audit actions are a closed vocabulary, ``<entity>.<verb>`` with both parts named in
    core/audit_labels.py: an action nobody listed would be a row no page can name or filter on, so it
    is refused where it is written (the change it records rolls back with it)."""
    entity, _dot, verb = action.partition(".")
    if entity not in ENTITIES or verb not in VERBS:
        raise ValueError(f"unknown audit action {action!r}: name its entity and verb in core/audit_labels.py")


def audit_record(
    actor: Actor,
    action: str,
    instance: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    audit_action_check(action)
    return AuditEvent.objects.create(
        actor=actor.db_user,
        actor_label=actor.label[:150],
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        before=before,
        after=after if after is not None else snapshot(instance),
        reason=reason,
    )


def audit_record_bulk(
    actor: Actor, action: str, object_type: str, *, after: dict[str, Any], reason: str = ""
) -> AuditEvent:
    """One audit event for a bulk operation (a file load): what was loaded, how many rows."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_bulk must be called inside transaction.atomic()")
    audit_action_check(action)
    return AuditEvent.objects.create(
        actor=actor.db_user,
        actor_label=actor.label[:150],
        action=action,
        object_type=object_type,
        object_id="*",
        after=after,
        reason=reason,
    )
