"""Reading and re-keying identity numbers: each clear read is a recorded, reasoned event."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from counterpart.core.audit import Actor, audit_record, audit_record_bulk
from counterpart.core.errors import InvalidInput

from ..identity import (
    identity_current_key_id,
    identity_decrypt,
    identity_encrypt,
)
from ..models import (
    Person,
)
from .checks import REVEAL_PERMISSION


def person_identity_reveal(*, actor: Actor, person: Person, reason: str) -> str:
    """The clear identity number, for a user allowed to see it, with the reason audited.

    Refused without the ``people.reveal_identity`` permission or without a reason. The audit event
    records who, when, whose and why — never the number.
    """
    if actor.user is None or not actor.user.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("无权查看完整身份证号码"))
    if not (reason or "").strip():
        raise InvalidInput("reason", reason, _("查看完整身份证号码必须说明原因"))
    if person.identity_ciphertext is None:
        raise InvalidInput("person", person.pk, _("该人员未登记身份证号码"))
    with transaction.atomic():
        audit_record(actor, "person.reveal_identity", person, reason=reason.strip())
        return identity_decrypt(person.identity_key_id, person.identity_ciphertext)


def persons_identity_rekey(*, actor: Actor, batch_size: int = 5_000, key_id: str | None = None) -> int:
    """Re-encrypt every identity number not under the current key; the blind index is unchanged.

    Works in batches, each its own transaction, so a run over tens of millions of rows can be
    stopped and resumed; returns how many rows were re-encrypted.
    """
    if not actor.is_system:  # a key rotation is an operator's command (identity_rekey), never a user's
        raise PermissionDenied(_("您的角色不能进行此操作"))
    target = key_id or identity_current_key_id()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.select_for_update()
                .filter(identity_ciphertext__isnull=False)
                .exclude(identity_key_id=target)
                .order_by("id")
                .only("id", "identity_key_id", "identity_ciphertext")[:batch_size]
            )
            if not batch:
                break
            for person in batch:
                number = identity_decrypt(person.identity_key_id, person.identity_ciphertext)  # type: ignore[arg-type]
                person.identity_key_id, person.identity_ciphertext = identity_encrypt(number, target)
            Person.objects.bulk_update(batch, ["identity_key_id", "identity_ciphertext"])
            audit_record_bulk(
                actor, "person.identity_rekey", "people.person", after={"key_id": target, "rows": len(batch)}
            )
            total += len(batch)
    return total


def persons_identity_export_authorise(*, actor: Actor, count: int, reason: str, filters: dict[str, str]) -> None:
    """Allow one export of a list of persons with clear identity numbers, auditing who, why, which list.

    The same rules as ``person_identity_reveal``: the ``people.reveal_identity`` permission and a
    reason; the event records the list's filters and how many persons it held, never a number.
    """
    if actor.user is None or not actor.user.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied(_("无权查看完整身份证号码"))
    if not (reason or "").strip():
        raise InvalidInput("reveal_reason", reason, _("导出完整身份证号码必须说明原因"))
    with transaction.atomic():
        audit_record_bulk(
            actor,
            "person.export_identity",
            "people.person",
            after={"count": count, "filters": filters},
            reason=reason.strip(),
        )
