"""<transaction>: the project's ledger entries (TransactionType codelist).

| ledger kind | IATI transaction-type |
|---|---|
| allocation (committed funds earmarked for the project) | 2 Outgoing Commitment |
| disbursement | 3 Disbursement |
| expenditure | 4 Expenditure |
| in-kind donation (goods valued in yuan) | 3 Disbursement, the goods named in the description |
| refund (disbursed money returned) | 3 Disbursement with a negative value |
| reversal | the reversed entry's type with a negative value |

Program-level commitments carry no project and belong to no activity. Refunds are negative
disbursements rather than 1 Incoming Funds, because in other publishers' files Incoming Funds
means money received from a funder, which a refund is not.
"""

from lxml import etree

from counterpart.core.money import fen_to_yuan
from counterpart.funds.models import FundSource, LedgerTransaction, TransactionKind
from counterpart.projects.models import Project

from ..selectors import iati_ledger_debit_fen, iati_project_ledger
from ..xml import narrative_parent
from .context import CURRENCY, LANG_EN, LANG_ZH, ExportContext, choice_label, iso

OUTGOING_COMMITMENT, DISBURSEMENT, EXPENDITURE = "2", "3", "4"

TYPE_BY_KIND: dict[str, str] = {
    TransactionKind.ALLOCATION: OUTGOING_COMMITMENT,
    TransactionKind.DISBURSEMENT: DISBURSEMENT,
    TransactionKind.EXPENDITURE: EXPENDITURE,
    TransactionKind.IN_KIND_DONATION: DISBURSEMENT,
    TransactionKind.REFUND: DISBURSEMENT,
}
NEGATIVE_KINDS = frozenset({TransactionKind.REFUND, TransactionKind.REVERSAL})

# OrganisationType of the provider: 10 Government, 70 Private Sector, 90 Other (society at large).
PROVIDER_TYPE: dict[str, str] = {
    FundSource.FISCAL_PROVINCIAL: "10",
    FundSource.FISCAL_MUNICIPAL: "10",
    FundSource.FISCAL_DISTRICT: "10",
    FundSource.ENTERPRISE: "70",
    FundSource.SOCIAL: "90",
}
assert set(PROVIDER_TYPE) == set(FundSource.values)


def transaction_type_of(record: LedgerTransaction) -> str | None:
    kind = record.kind
    if kind == TransactionKind.REVERSAL and record.reverses is not None:
        kind = record.reverses.kind
    return TYPE_BY_KIND.get(kind)


def _description(record: LedgerTransaction) -> str:
    if record.kind == TransactionKind.IN_KIND_DONATION:
        goods = f"{record.item_description} {record.item_quantity:g}{record.item_unit}"
        return f"物资捐赠 in kind: {goods}" + (f"；{record.description}" if record.description else "")
    return record.description


def transaction_element(record: LedgerTransaction, context: ExportContext) -> etree._Element | None:
    code = transaction_type_of(record)
    if code is None:
        return None
    sign = -1 if record.kind in NEGATIVE_KINDS else 1
    element = etree.Element("transaction", ref=f"{context.identifier(record.project)}-L{record.pk}")  # type: ignore[arg-type]
    etree.SubElement(element, "transaction-type", code=code)
    etree.SubElement(element, "transaction-date", **{"iso-date": iso(record.date)})
    value = etree.SubElement(element, "value", currency=CURRENCY, **{"value-date": iso(record.date)})
    value.text = str(fen_to_yuan(sign * iati_ledger_debit_fen(record)))
    text = _description(record)
    if text:
        element.append(narrative_parent("description", {LANG_ZH: text}))
    source = choice_label(record, "source")
    provider = narrative_parent("provider-org", {LANG_ZH: source[LANG_ZH], LANG_EN: source.get(LANG_EN, "")})
    provider.set("type", PROVIDER_TYPE[record.source])
    element.append(provider)
    if record.recipient_area is not None:
        area = record.recipient_area
        element.append(narrative_parent("receiver-org", {LANG_ZH: area.name_zh, LANG_EN: area.name_en}))
    return element


def transaction(project: Project, context: ExportContext) -> list[etree._Element]:
    elements = [transaction_element(record, context) for record in iati_project_ledger(project)]
    return [element for element in elements if element is not None]
