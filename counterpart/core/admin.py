import inspect
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from .audit import Actor
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
    """Admin whose writes go through the domain layer, like every other edge.

    ``create`` calls the entity's create action for new records. An edit calls the entity's update
    action (``update_action``, with the fields it accepts, ``update_fields``): its validation, the
    policy, the period lock and the audit event are the action's. Every other field is read-only,
    and an entity without an update action is read-only once created. The action — the create or
    the update — is tried first while the form is cleaned (and rolled back), so a refusal shows on
    the form, not as an error page. Deleting is off: history is kept.
    """

    audit_entity = ""
    update_action: Any = None  # staticmethod(<entity>_update): (actor, record, *, reason, **changes)
    update_fields: tuple[str, ...] = ()

    def create(self, actor: Actor, form: Any) -> Any:
        raise NotImplementedError

    def own_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The admin's own read-only fields (shown values, fields fixed on creation)."""
        return super().get_readonly_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(self.own_readonly_fields(request, obj))
        if obj is None:
            return readonly
        editable = set(self.update_fields) if self.update_action is not None else set()
        names = [f.name for f in self.model._meta.get_fields() if getattr(f, "editable", False) and f.concrete]
        return readonly + [name for name in names if name not in editable and name not in readonly]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is not None and self.update_action is None:
            return form_class  # read-only once created: nothing to check
        domain_admin = self

        def action_tried(form: Any) -> None:
            if obj is None:
                domain_admin.create(Actor.of(request.user), form)
            else:
                domain_admin.update_from_form(request, form)

        class ActionCheckedForm(form_class):  # type: ignore[valid-type, misc]
            def clean(self) -> Any:
                data = super().clean()
                if not self.errors:
                    try:
                        with transaction.atomic():
                            action_tried(self)
                            transaction.set_rollback(True)
                    except ValidationError as error:
                        field = getattr(error, "field", None)
                        self.add_error(field if field in self.fields else None, error.messages)
                return data

        return ActionCheckedForm

    def update_from_form(self, request: HttpRequest, form: Any) -> Any:
        record = type(form.instance)._default_manager.get(pk=form.instance.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in self.update_fields}
        if not changes:
            return record
        # Actions are keyword-only; the record's parameter is named after its entity (project, person, …).
        record_parameter = list(inspect.signature(self.update_action).parameters)[1]
        return self.update_action(actor=Actor.of(request.user), **{record_parameter: record}, reason="admin", **changes)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = Actor.of(request.user)
        if not change:
            created = self.create(actor, form)
            obj.pk = created.pk
            return
        if self.update_action is not None:
            self.update_from_form(request, form)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
