"""The day a project's step happened, apart from when it was recorded; steps already recorded happened,
as far as anyone said, on the day they were recorded."""

from django.db import migrations, models
from django.db.models.functions import TruncDate


def _recorded_day(apps, schema_editor):  # noqa: ANN001 - Django's migration signature
    transitions = apps.get_model("projects", "ProjectTransition")
    transitions.objects.filter(on__isnull=True).update(on=TruncDate("at"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_village_advancement_from_people")]

    operations = [
        migrations.AddField(model_name="projecttransition", name="on", field=models.DateField(null=True)),
        migrations.RunPython(_recorded_day, migrations.RunPython.noop),
        migrations.AlterField(model_name="projecttransition", name="on", field=models.DateField()),
    ]
