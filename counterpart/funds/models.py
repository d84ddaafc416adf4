"""The funds ledger: double-entry, exact, append-only.

Money moves through stage accounts of a program's chart. A commitment credits a source's
contributions and debits "committed"; allocation moves it to a project; disbursement hands it to
the recipient; expenditure records it spent. In-kind donations are valued in yuan and debited to
"in kind" directly. Every transaction's postings sum to zero, and once written a transaction and
its postings never change: a correction is a reversing transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from counterpart.projects.models import Project
from counterpart.registry.models import Area, Pairing, Program


class FundSource(models.TextChoices):
    FISCAL_PROVINCIAL = "fiscal_provincial", pgettext_lazy("choice", "省级财政援助资金")
    FISCAL_MUNICIPAL = "fiscal_municipal", pgettext_lazy("choice", "市级财政援助资金")
    FISCAL_DISTRICT = "fiscal_district", pgettext_lazy("choice", "区（市）级财政援助资金")
    SOCIAL = "social", pgettext_lazy("choice", "社会帮扶")
    ENTERPRISE = "enterprise", pgettext_lazy("choice", "企业捐赠")


FISCAL_SOURCES = frozenset({FundSource.FISCAL_PROVINCIAL, FundSource.FISCAL_MUNICIPAL, FundSource.FISCAL_DISTRICT})
# 社会帮扶 in the yearbooks covers enterprises, social organisations and individuals alike.
SOCIAL_SOURCES = frozenset({FundSource.SOCIAL, FundSource.ENTERPRISE})


class AccountType(models.TextChoices):
    CONTRIBUTIONS = "contributions", pgettext_lazy("choice", "资金来源")
    COMMITTED = "committed", pgettext_lazy("choice", "已承诺未安排")
    ALLOCATED = "allocated", pgettext_lazy("choice", "已安排到项目")
    DISBURSED = "disbursed", pgettext_lazy("choice", "已拨付未支出")
    SPENT = "spent", pgettext_lazy("choice", "已支出")
    IN_KIND = "in_kind", pgettext_lazy("choice", "捐赠物资")


# Stage accounts that money is drawn from; their balance per commitment may never go negative.
DRAWN_ACCOUNTS = frozenset({AccountType.COMMITTED, AccountType.ALLOCATED, AccountType.DISBURSED})
# Accounts whose increase is support that reached the recipient side.
DELIVERED_ACCOUNTS = frozenset({AccountType.DISBURSED, AccountType.SPENT, AccountType.IN_KIND})


class Account(models.Model):
    """One account of a program's chart; created with the program's standard chart."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="accounts")
    type = models.CharField(max_length=20, choices=AccountType.choices)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)

    class Meta:
        ordering = ["program_id", "id"]
        verbose_name = "会计科目 account"
        verbose_name_plural = "会计科目 accounts"
        constraints = [models.UniqueConstraint(fields=["program", "type"], name="account_unique_type_in_program")]

    def __str__(self) -> str:
        return f"{self.program.slug}:{self.type}"


class TransactionKind(models.TextChoices):
    COMMITMENT = "commitment", pgettext_lazy("choice", "承诺")
    ALLOCATION = "allocation", pgettext_lazy("choice", "安排")
    DISBURSEMENT = "disbursement", pgettext_lazy("choice", "拨付")
    EXPENDITURE = "expenditure", pgettext_lazy("choice", "支出")
    IN_KIND_DONATION = "in_kind_donation", pgettext_lazy("choice", "物资捐赠")
    REFUND = "refund", pgettext_lazy("choice", "退回")
    REVERSAL = "reversal", pgettext_lazy("choice", "冲销")


class LedgerTransaction(models.Model):
    """A balanced, immutable set of postings with the dimensions they are reported by."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="ledger_transactions")
    kind = models.CharField(max_length=20, choices=TransactionKind.choices)
    date = models.DateField()
    # The report year, kept as a column so yearly figures group on an index at national scale.
    year = models.PositiveSmallIntegerField(db_index=True)
    source = models.CharField(max_length=20, choices=FundSource.choices)
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient_area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    # The commitment a transaction draws on; null for commitments and in-kind donations.
    commitment = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="draws")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    description = models.CharField(max_length=255, blank=True)
    item_description = models.CharField(max_length=200, blank=True, help_text="物资名称 goods donated")
    item_quantity = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    item_unit = models.CharField(max_length=20, blank=True, help_text="件、套、吨 …")
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    # The sender's own reference (voucher number, row id of the office's spreadsheet): the natural key
    # by which a re-imported file finds the transaction it already posted. Unique in a program when set.
    external_ref = models.CharField(max_length=60, blank=True, default="", help_text="外部编号 sender's reference")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=150, blank=True)
    # The distribution column of a national deployment (docs/scale.md): the recipient county, or the
    # coarser code of a province- or prefecture-level transaction, '' for a program-level one;
    # ``county_of(recipient_area)`` written with the transaction (plain, as Citus needs; see Project).
    county_code = models.CharField(max_length=6, blank=True, default="", editable=False)

    class Meta:
        ordering = ["program_id", "date", "id"]
        verbose_name = "台账交易 ledger transaction"
        verbose_name_plural = "台账交易 ledger transactions"
        indexes = [
            models.Index(fields=["program", "year", "source"]),
            models.Index(fields=["commitment"]),
            # The ledger's own order, which its lists page through: a program office's first page of a
            # million transactions sorted them all (490 ms at S = 0.1) before this index.
            models.Index(fields=["program", "date", "id"], name="ledger_program_date"),
            # The report's in-kind items over its years: the few donations in kind, not every transaction
            # of the years (at S = 0.1 a program has a million, none in kind, and the sum read them all).
            models.Index(
                fields=["program", "year", "item_unit"],
                name="ledger_in_kind",
                condition=Q(item_quantity__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="in_kind_donation") | Q(item_quantity__gt=0),
                name="ledger_in_kind_has_quantity",
            ),
            models.UniqueConstraint(
                fields=["program", "external_ref"],
                condition=~Q(external_ref=""),
                name="ledger_unique_external_ref_in_program",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.date} {self.get_kind_display()}"


class Posting(models.Model):
    """One side of a transaction: a signed amount in fen (debit positive, credit negative)."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount_fen = models.BigIntegerField()
    # Its transaction's county_code, copied so postings are distributed (and co-located) with it.
    county_code = models.CharField(max_length=6, blank=True, default="", editable=False)

    class Meta:
        ordering = ["transaction_id", "id"]
        verbose_name = "分录 posting"
        verbose_name_plural = "分录 postings"
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0), name="posting_amount_not_zero")]

    def __str__(self) -> str:
        side = "Dr" if self.amount_fen > 0 else "Cr"
        return f"{side} {self.account.type} {abs(self.amount_fen) / 100:.2f}"


class LedgerSummary(models.Model):
    """The postings summed per program, year, county, account type, source and project category.

    Postings are append-only (corrections are reversing transactions), so the ledger service adds
    each new transaction's lines here in the same transaction (counterpart/funds/summary.py). The
    program-wide report reads these few thousand rows instead of scanning the year's postings;
    ``counterpart check-integrity --check ledger.summary`` recomputes them from the postings.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    county_code = models.CharField(max_length=6, blank=True)
    account_type = models.CharField(max_length=20, choices=AccountType.choices)
    source = models.CharField(max_length=20, choices=FundSource.choices)
    category = models.CharField(max_length=30, blank=True, help_text="the project's category; '' without a project")
    amount_fen = models.BigIntegerField()

    class Meta:
        verbose_name = "台账汇总 ledger summary"
        verbose_name_plural = "台账汇总 ledger summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "county_code", "account_type", "source", "category"],
                name="ledger_summary_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.year} {self.county_code} {self.account_type} {self.source}: {self.amount_fen}"
