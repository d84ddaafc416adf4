from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The catalogue grown from the yearbook's pairing entries: catalogue_sync creates the new keys
    # and leaves users' own indicators alone, so running it again changes nothing.
    from counterpart.indicators.catalogue import catalogue_sync

    catalogue_sync(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_stated_change")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
