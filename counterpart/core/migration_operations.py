"""Migration operations the project's migrations share.

``GeneratedToPlain`` turns a stored generated column into a plain one that keeps its values. Django
refuses to alter a ``GeneratedField`` (it must be removed and added again, which on PostgreSQL rewrites
the table and, for the immutable ledger, would need its triggers held off); PostgreSQL drops the
expression in place (``ALTER COLUMN … DROP EXPRESSION``, no rewrite). Elsewhere (SQLite) the column is
removed and added again and filled with ``fill_sql``.
"""

from typing import Any

from django.db import models
from django.db.migrations.operations.base import Operation


class GeneratedToPlain(Operation):
    reversible = False

    def __init__(self, model_name: str, name: str, field: models.Field, fill_sql: str) -> None:
        self.model_name = model_name
        self.name = name
        self.field = field
        self.fill_sql = fill_sql

    def deconstruct(self) -> tuple[str, list, dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "name": self.name, "field": self.field, "fill_sql": self.fill_sql},
        )

    def state_forwards(self, app_label: str, state: Any) -> None:
        state.remove_field(app_label, self.model_name, self.name)
        state.add_field(app_label, self.model_name, self.name, self.field, True)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        old_model = from_state.apps.get_model(app_label, self.model_name)
        new_model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(new_model._meta.db_table)
        column = schema_editor.quote_name(new_model._meta.get_field(self.name).column)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP EXPRESSION")
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
            return
        schema_editor.remove_field(old_model, old_model._meta.get_field(self.name))
        schema_editor.add_field(new_model, new_model._meta.get_field(self.name))
        schema_editor.execute(self.fill_sql)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        raise NotImplementedError("a plain county column is not turned back into a generated one")

    def describe(self) -> str:
        return f"Make the generated {self.model_name}.{self.name} a plain column keeping its values"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name}_{self.name}_plain"
