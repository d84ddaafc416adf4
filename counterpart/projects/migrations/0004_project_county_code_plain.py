from django.db import migrations, models

from counterpart.core.migration_operations import GeneratedToPlain


class Migration(migrations.Migration):
    """The distribution column becomes a plain column written with each project (Citus refuses to
    distribute by a generated column, and routes every INSERT by the value it carries)."""

    dependencies = [
        ("projects", "0003_project_attachment"),
    ]

    operations = [
        GeneratedToPlain(
            model_name="project",
            name="county_code",
            field=models.CharField(blank=True, default="", editable=False, max_length=6),
            fill_sql="UPDATE projects_project SET county_code = substr(recipient_area_id, 1, 6)",
        ),
    ]
