import pytest

from counterpart.core.audit import Actor, audit_record
from counterpart.core.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_write_outside_a_transaction(program) -> None:
    # An audit event written outside the change's transaction could survive a rolled-back change.
    with pytest.raises(RuntimeError):
        audit_record(Actor.system("test"), "program.touch", program)


def test_every_domain_write_leaves_an_audit_event(program) -> None:
    event = AuditEvent.objects.get(action="program.create")
    assert event.object_id == str(program.pk)
    assert event.actor_label == "test"
    assert event.after is not None and event.after["slug"] == "qd-gz"
