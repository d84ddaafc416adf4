"""A benefit's county_code is its person's county (docs/scale.md, "A program office's lists").

Benefits recorded before the rule with an area in another county carried that county; they take their
person's now (``area_code`` keeps where they reached them). The persons-reached summary was keyed by
the person's county already, so it does not change. A database already distributed by ``counterpart
distribute`` (Citus) is left alone: its key ``(person_id, county_code) → people_person`` holds there, or
``distribute`` listed the rows that broke it.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def benefits_take_their_persons_county(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('people_identityindex') IS NOT NULL")
            if cursor.fetchone()[0]:
                return
    Benefit = apps.get_model("people", "Benefit")
    Person = apps.get_model("people", "Person")
    county = Subquery(Person.objects.filter(pk=OuterRef("person_id")).values("county_code")[:1])
    Benefit.objects.exclude(county_code=county).update(county_code=county)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_benefit_indexes_that_pay"),
    ]

    operations = [
        migrations.RunPython(benefits_take_their_persons_county, migrations.RunPython.noop, elidable=True),
    ]
