from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from counterpart.core.admin import ReadOnlyAdmin
from counterpart.core.audit import Actor

from .models import ApiToken, IdempotentRequest
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued by `counterpart api-token USER` (the clear token is shown only there); here
    they are listed and revoked."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description="吊销所选令牌 revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(actor=Actor.of(request.user), token=token)
        messages.success(request, f"{queryset.count()}")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The changelist action needs change permission; the form itself has no editable field.
        return bool(getattr(request.user, "is_superuser", False)) and obj is None


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "method", "path", "key", "status_code"]
    search_fields = ["key", "path"]
