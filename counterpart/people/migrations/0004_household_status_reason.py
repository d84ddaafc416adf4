from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_person_blind_index_constraint"),
    ]

    operations = [
        migrations.AddField(
            model_name="householdstatus",
            name="reason",
            field=models.CharField(blank=True, help_text="原因 e.g. the cause of a return to poverty", max_length=255),
        ),
    ]
