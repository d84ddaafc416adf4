from django.db import migrations, models

from counterpart.core.migration_operations import GeneratedToPlain


class Migration(migrations.Migration):
    """The distribution column becomes a plain column written with each transaction (see projects 0004).
    On PostgreSQL the values stay in place (no UPDATE, which the ledger's immutability trigger refuses)."""

    dependencies = [
        ("funds", "0006_ledger_program_date"),
        ("projects", "0004_project_county_code_plain"),
    ]

    operations = [
        GeneratedToPlain(
            model_name="ledgertransaction",
            name="county_code",
            field=models.CharField(blank=True, default="", editable=False, max_length=6),
            fill_sql="UPDATE funds_ledgertransaction SET county_code = coalesce(substr(recipient_area_id, 1, 6), '')",
        ),
    ]
