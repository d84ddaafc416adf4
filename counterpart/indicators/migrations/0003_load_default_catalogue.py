from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from counterpart.indicators.catalogue import catalogue_sync

    catalogue_sync(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_indicator_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
