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


def test_an_action_outside_the_vocabulary_is_refused_and_its_change_rolls_back(program) -> None:
    from django.db import transaction

    from counterpart.registry.models import Program

    with pytest.raises(ValueError, match=r"program\.renamed"), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(slug="renamed")
        audit_record(Actor.system("test"), "program.renamed", program)
    assert Program.objects.get(pk=program.pk).slug == "qd-gz"
    assert not AuditEvent.objects.filter(action="program.renamed").exists()


def test_every_action_the_code_writes_is_in_the_vocabulary() -> None:
    """Each audit_record call names a literal ``entity.verb`` in core/audit_labels.py; the four that
    build it (a ledger kind, a project status, an enterprise report's step, the duplicate refusal)
    are checked through the values they build from, so a new kind or status cannot slip past."""
    import ast
    from pathlib import Path

    from counterpart.core.audit_labels import ENTITIES, VERBS
    from counterpart.enterprise.services import _VERB_BY_STATUS
    from counterpart.funds.models import TransactionKind
    from counterpart.people.duplicates import REFUSED
    from counterpart.projects.models import ALLOWED_TRANSITIONS

    root = Path(__file__).resolve().parents[2]
    literal: list[tuple[str, ast.Constant]] = []
    built: list[tuple[str, ast.expr]] = []
    for path in root.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            function = getattr(node, "func", None)
            name = getattr(function, "id", None) or getattr(function, "attr", None)
            if not isinstance(node, ast.Call) or name not in ("audit_record", "audit_record_bulk"):
                continue
            named = [keyword.value for keyword in node.keywords if keyword.arg == "action"]
            argument = node.args[1] if len(node.args) > 1 else named[0]
            if isinstance(argument, ast.Constant):
                literal.append((path.name, argument))
            else:
                built.append((path.name, argument))
    assert len(literal) > 40  # the scan finds the calls
    actions = [str(argument.value) for _file, argument in literal]
    unknown = [a for a in actions if a.partition(".")[0] not in ENTITIES or a.partition(".")[2] not in VERBS]
    assert unknown == []
    assert sorted(file for file, _argument in built) == ["duplicates.py", "services.py", "services.py", "services.py"]
    assert {str(kind) for kind in TransactionKind.values} <= set(VERBS)
    assert {str(status) for targets in ALLOWED_TRANSITIONS.values() for status in targets} <= set(VERBS)
    assert set(_VERB_BY_STATUS.values()) <= set(VERBS)
    assert REFUSED.partition(".")[2] in VERBS
