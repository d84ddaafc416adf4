# Persons by the set of years they were reached in replaces persons by their first year (docs/scale.md): it
# answers every range, and the first year is the lowest bit of the set, so the first-reach summary goes.

import django.db.models.deletion
from django.db import migrations, models

# As counterpart/people/years_reached.py computes it (a migration keeps its own copy of the SQL): each
# person once, under their county and the bits of the years they were reached in (63 years held).
MASK_OF = {
    "postgresql": "bit_or(CAST(1 AS BIGINT) << (b.year - r.start_year))",
    "sqlite": "SUM(DISTINCT 1 << (b.year - r.start_year))",
}
FILL_SQL = (
    "INSERT INTO people_yearsreachedsummary (program_id, county_code, years_mask, persons) "
    "SELECT m.program_id, m.county_code, m.years_mask, COUNT(*) FROM ("
    " SELECT b.program_id, p.county_code, b.person_id, {mask} AS years_mask "
    " FROM people_benefit b JOIN people_person p ON p.id = b.person_id AND p.county_code = b.county_code "
    " JOIN registry_program r ON r.id = b.program_id AND b.year BETWEEN r.start_year AND r.start_year + 62"
    " GROUP BY b.program_id, p.county_code, b.person_id"
    ") m GROUP BY m.program_id, m.county_code, m.years_mask"
)


def fill_from_records(apps, schema_editor):
    mask = MASK_OF.get(schema_editor.connection.vendor, MASK_OF["postgresql"])
    schema_editor.execute(FILL_SQL.replace("{mask}", mask))


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0011_benefit_pairing_index_household_number_twin'),
        ('registry', '0005_choice_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='YearsReachedSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('county_code', models.CharField(max_length=6)),
                ('years_mask', models.BigIntegerField(help_text="bit n: reached in the program's start year + n")),
                ('persons', models.PositiveIntegerField()),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.program')),
            ],
            options={
                'verbose_name': '受益年份人数汇总 years-reached summary',
                'verbose_name_plural': '受益年份人数汇总 years-reached summaries',
                'constraints': [models.UniqueConstraint(fields=('program', 'county_code', 'years_mask'), name='years_reached_summary_key')],
            },
        ),
        migrations.RunPython(fill_from_records, migrations.RunPython.noop),
        migrations.DeleteModel(name='FirstReachSummary'),
    ]
