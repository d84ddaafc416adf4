"""Mask identity numbers kept in clear in batches' saved errors before RowError masked them itself.

A number standing in another column (shifted cells, a quoted field swallowing the next line) was kept as
the cell's value in ``ImportBatch.errors``; the fuzz run found 27 in one throwaway database. New errors are
masked when made (intake/validation.py); this masks the ones already saved, so none rests in clear.
"""

from typing import Any

from django.db import migrations


def _masked(value: Any) -> Any:
    from counterpart.intake.validation import identity_numbers_masked

    if isinstance(value, str):
        return identity_numbers_masked(value)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    return value


def batch_errors_mask(apps: Any, schema_editor: Any) -> None:
    ImportBatch = apps.get_model("intake", "ImportBatch")
    for batch in ImportBatch.objects.exclude(errors=[]).only("id", "errors").iterator(chunk_size=500):
        masked = _masked(batch.errors)
        if masked != batch.errors:
            ImportBatch.objects.filter(pk=batch.pk).update(errors=masked)


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_choice_labels")]

    operations = [migrations.RunPython(batch_errors_mask, migrations.RunPython.noop, elidable=True)]
