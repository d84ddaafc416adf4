from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from counterpart.core.admin import ReadOnlyAdmin, ReadOnlyInline
from counterpart.core.money import format_yuan

from .models import Account, LedgerTransaction, Posting


class PostingInline(ReadOnlyInline):
    model = Posting
    fields = ["account", "amount_yuan"]
    readonly_fields = ["account", "amount_yuan"]

    @admin.display(description="金额（元，借+贷−）amount (yuan, Dr+ Cr−)")
    def amount_yuan(self, obj: Posting) -> str:
        return format_yuan(obj.amount_fen)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "date",
        "kind",
        "source",
        "project",
        "recipient_area",
        "amount_yuan",
        "is_illustrative",
    ]
    list_filter = ["program", "year", "kind", "source", "is_illustrative"]
    search_fields = ["description", "item_description", "project__code", "project__title_zh"]
    date_hierarchy = "date"
    inlines = [PostingInline]
    list_select_related = ["project", "recipient_area"]

    @admin.display(description="金额（元）amount (yuan)")
    def amount_yuan(self, obj: LedgerTransaction) -> str:
        debit = sum(p.amount_fen for p in obj.postings.all() if p.amount_fen > 0)
        return format_yuan(debit)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("postings")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["program", "type", "name_zh", "name_en"]
    list_filter = ["program", "type"]
