from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from .audit import Actor, audit_record, snapshot
from .models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records written only by the domain layer (ledger, audit trail, locks, history): shown, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent and written only by the domain layer (postings, history, outputs)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "object_repr", "actor_label", "action"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


class DomainAdmin(admin.ModelAdmin):
    """Admin whose writes go through the domain layer.

    ``create`` calls the domain service for new records (so validation and audit are the same
    as in every other edge); edits of descriptive fields are audited here with before/after.
    Deleting is off: history is kept.
    """

    audit_entity = ""

    def create(self, actor: Actor, form: Any) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = Actor.of(request.user)
        if not change:
            try:
                created = self.create(actor, form)
            except ValidationError as error:
                raise error
            obj.pk = created.pk
            return
        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk))
            obj.save()
            audit_record(actor, f"{self.audit_entity}.update", obj, before=before)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
