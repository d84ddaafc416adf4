# Two summaries of the benefits for the dashboard's narrower views (docs/web.md, docs/scale.md): persons by the
# set of pairings they were reached through, per program, year and county (a donor district's unique persons),
# and persons reached per township (a county office's panel). Two new tables, each filled in one INSERT …
# SELECT over the benefits; the benefits themselves are only read.

import django.db.models.deletion
from django.db import migrations, models

# As counterpart/people/pairing_reach.py computes it (a migration keeps its own copy of the SQL): each person
# once per program and year, under their county and the ids of the pairings of their benefits, ascending.
SET_OF = {
    "postgresql": ("string_agg(CAST(d.pairing_id AS TEXT), ',' ORDER BY d.pairing_id)", ""),
    "sqlite": (
        "group_concat(d.pairing_id, ',')",
        " ORDER BY b.program_id, b.year, b.county_code, b.person_id, b.pairing_id",
    ),
}
FILL_SQL = (
    "INSERT INTO people_pairingreachsummary (program_id, year, county_code, pairings, persons) "
    "SELECT s.program_id, s.year, s.county_code, s.pairings, COUNT(*) FROM ("
    " SELECT d.program_id, d.year, d.county_code, d.person_id, {set_of} AS pairings FROM ("
    "  SELECT DISTINCT b.program_id, b.year, b.county_code, b.person_id, b.pairing_id FROM people_benefit b"
    "  WHERE b.pairing_id IS NOT NULL{order}"
    " ) d GROUP BY d.program_id, d.year, d.county_code, d.person_id"
    ") s GROUP BY s.program_id, s.year, s.county_code, s.pairings"
)
# As counterpart/people/township_reach.py computes it.
TOWNSHIP_FILL_SQL = (
    "INSERT INTO people_townshipreachsummary (program_id, year, county_code, township_code, persons) "
    "SELECT b.program_id, b.year, b.county_code, SUBSTR(b.area_code, 1, 9), COUNT(DISTINCT b.person_id) "
    "FROM people_benefit b GROUP BY b.program_id, b.year, b.county_code, SUBSTR(b.area_code, 1, 9)"
)


def fill_from_records(apps, schema_editor):
    set_of, order = SET_OF.get(schema_editor.connection.vendor, SET_OF["postgresql"])
    schema_editor.execute(FILL_SQL.format(set_of=set_of, order=order))


def fill_townships_from_records(apps, schema_editor):
    schema_editor.execute(TOWNSHIP_FILL_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0013_integer_ids_code_indexes'),
        ('registry', '0005_choice_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='PairingReachSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('county_code', models.CharField(max_length=6)),
                ('pairings', models.TextField(help_text="the pairing ids of the persons' benefits, ascending, comma-separated")),
                ('persons', models.PositiveIntegerField()),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.program')),
            ],
            options={
                'verbose_name': '结对受益人数汇总 pairing-reach summary',
                'verbose_name_plural': '结对受益人数汇总 pairing-reach summaries',
                'constraints': [models.UniqueConstraint(fields=('program', 'year', 'county_code', 'pairings'), name='pairing_reach_summary_key')],
            },
        ),
        migrations.RunPython(fill_from_records, migrations.RunPython.noop),
        migrations.CreateModel(
            name='TownshipReachSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('county_code', models.CharField(max_length=6)),
                ('township_code', models.CharField(help_text='shorter for a benefit placed above a township', max_length=9)),
                ('persons', models.PositiveIntegerField()),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registry.program')),
            ],
            options={
                'verbose_name': '乡镇受益人数汇总 township-reach summary',
                'verbose_name_plural': '乡镇受益人数汇总 township-reach summaries',
                'constraints': [models.UniqueConstraint(fields=('program', 'year', 'county_code', 'township_code'), name='township_reach_summary_key')],
            },
        ),
        migrations.RunPython(fill_townships_from_records, migrations.RunPython.noop),
    ]
