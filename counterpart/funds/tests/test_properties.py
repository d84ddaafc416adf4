"""Property: whatever sequence of postings, reversals and refused draws, the ledger stays sound.

A reference model in plain Python tracks what each commitment still holds in each stage; the
service must accept exactly the operations the model accepts, and afterwards every transaction
balances and every balance equals the sum of its postings.
"""

import datetime
from collections import defaultdict
from functools import partial

from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterpart.core.errors import InvalidInput
from counterpart.funds import selectors
from counterpart.funds.models import AccountType, FundSource, LedgerTransaction, Posting
from counterpart.funds.services import (
    ledger_allocate,
    ledger_commit,
    ledger_disburse,
    ledger_refund,
    ledger_reverse,
    ledger_spend,
)
from counterpart.projects.services import project_propose

DAY = datetime.date(2009, 6, 1)
amounts = st.integers(min_value=1, max_value=50_000)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("commit"), amounts),
        st.tuples(st.just("allocate"), st.integers(0, 3), st.integers(0, 1), amounts),
        st.tuples(st.just("disburse"), st.integers(0, 3), st.sampled_from([None, 0, 1]), amounts),
        st.tuples(st.just("spend"), st.integers(0, 5), amounts),
        st.tuples(st.just("refund"), st.integers(0, 5), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 20)),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_random_ledger_histories_stay_balanced_and_within_commitments(program, areas, actor, ops) -> None:
    with transaction.atomic():
        projects = [
            project_propose(
                actor=actor,
                program=program,
                code=f"P{i}",
                title_zh="项目",
                category="other",
                recipient_area=areas["520422"],
                year=2009,
                budget_fen=0,
            )
            for i in range(2)
        ]
        _run(program, projects, actor, ops)
        transaction.set_rollback(True)


def _run(program, projects, actor, ops) -> None:
    # model: (commitment id, stage, project index or None) -> fen
    held: dict[tuple[int, str, int | None], int] = defaultdict(int)
    commitments: list[LedgerTransaction] = []
    disbursements: list[tuple[LedgerTransaction, int | None]] = []
    reversible: list[LedgerTransaction] = []
    for op in ops:
        kind = op[0]
        if kind == "commit":
            record = ledger_commit(actor=actor, program=program, date=DAY, source=FundSource.SOCIAL, amount_fen=op[1])
            commitments.append(record)
            reversible.append(record)
            held[record.pk, "committed", None] += op[1]
            continue
        if kind == "reverse":
            if not reversible:
                continue
            original = reversible[op[1] % len(reversible)]
            expected = _reversal_allowed(original, held)
            try:
                ledger_reverse(actor=actor, original=original, date=DAY, reason="test")
            except InvalidInput:
                assert not expected, f"reversal of {original.kind} refused but model allows it"
                continue
            assert expected, f"reversal of {original.kind} accepted but model refuses it"
            _apply_reversal(original, held)
            reversible.remove(original)
            continue
        if kind in ("allocate", "disburse"):
            if not commitments:
                continue
            commitment = commitments[op[1] % len(commitments)]
            if LedgerTransaction.objects.filter(reverses=commitment).exists():
                continue
            index, amount = op[2], op[3]
            project = projects[index] if index is not None else None
            if kind == "allocate":
                source_key, target_key = (commitment.pk, "committed", None), (commitment.pk, "allocated", index)
                call = partial(
                    ledger_allocate,
                    actor=actor,
                    commitment=commitment,
                    project=projects[index],
                    date=DAY,
                    amount_fen=amount,
                )
            else:
                stage = "allocated" if project is not None else "committed"
                source_key, target_key = (commitment.pk, stage, index), (commitment.pk, "disbursed", index)
                call = partial(
                    ledger_disburse, actor=actor, commitment=commitment, project=project, date=DAY, amount_fen=amount
                )
        else:  # spend / refund draw on a disbursement
            if not disbursements:
                continue
            disbursement, index = disbursements[op[1] % len(disbursements)]
            amount = op[2]
            assert disbursement.commitment_id is not None
            source_key = (disbursement.commitment_id, "disbursed", index)
            if kind == "spend":
                target_key = (disbursement.commitment_id, "spent", index)
                call = partial(ledger_spend, actor=actor, disbursement=disbursement, date=DAY, amount_fen=amount)
            else:
                target_key = (disbursement.commitment_id, "committed", None)
                call = partial(ledger_refund, actor=actor, disbursement=disbursement, date=DAY, amount_fen=amount)
        allowed = held[source_key] >= amount
        try:
            record = call()
        except InvalidInput:
            assert not allowed, f"{kind} of {amount} refused although {held[source_key]} is held"
            continue
        assert allowed, f"{kind} of {amount} accepted although only {held[source_key]} is held"
        held[source_key] -= amount
        held[target_key] += amount
        reversible.append(record)
        if kind == "disburse":
            disbursements.append((record, index))
    _check_ledger(program, held)


_STAGES_BY_ACCOUNT: dict[str, str] = {
    AccountType.COMMITTED: "committed",
    AccountType.ALLOCATED: "allocated",
    AccountType.DISBURSED: "disbursed",
    AccountType.SPENT: "spent",
}


def _effects(record: LedgerTransaction) -> list[tuple[str, int]]:
    return [
        (_STAGES_BY_ACCOUNT[p.account.type], p.amount_fen)
        for p in record.postings.select_related("account")
        if p.account.type in _STAGES_BY_ACCOUNT
    ]


def _key(record: LedgerTransaction, stage: str) -> tuple[int, str, int | None]:
    commitment_id = record.pk if record.kind == "commitment" else record.commitment_id
    assert commitment_id is not None
    project_index = None if stage == "committed" or record.project is None else int(record.project.code[1:])
    return (commitment_id, stage, project_index)


def _reversal_allowed(original: LedgerTransaction, held: dict) -> bool:
    # reversing takes back from every stage the original added to
    return all(held[_key(original, stage)] >= amount for stage, amount in _effects(original) if amount > 0)


def _apply_reversal(original: LedgerTransaction, held: dict) -> None:
    for stage, amount in _effects(original):
        held[_key(original, stage)] -= amount


def _check_ledger(program, held) -> None:
    assert not selectors.unbalanced_transactions(program).exists()
    for record in LedgerTransaction.objects.filter(program=program):
        assert selectors.transaction_is_balanced(record)
    # every balance is the sum of its postings, and matches the model
    for account_type, stage in _STAGES_BY_ACCOUNT.items():
        raw = (
            Posting.objects.filter(account__type=account_type, transaction__program=program).aggregate(
                total=Sum("amount_fen")
            )["total"]
            or 0
        )
        assert selectors.fund_balance(program, account_type) == raw
        assert raw == sum(fen for (_c, s, _p), fen in held.items() if s == stage)
        assert raw >= 0
    contributions = selectors.fund_balance(program, AccountType.CONTRIBUTIONS)
    assert contributions == sum(fen for (_c, s, _p), fen in held.items())
    # never more handed out than committed, per commitment
    for commitment_id in {c for (c, _s, _p) in held}:
        out = sum(fen for (c, s, _p), fen in held.items() if c == commitment_id and s in ("disbursed", "spent"))
        committed = sum(fen for (c, _s, _p), fen in held.items() if c == commitment_id)
        assert 0 <= out <= committed
