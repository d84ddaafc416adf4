# Narrower rows for the three large tables (docs/benchmarks.md, "2026-12-04"): the ids of persons,
# households and benefits (and every foreign key to them) become integer, 90 M persons and 125 M benefits
# at S = 1.0 being far inside 2³¹; the code columns of persons and households keep one plain index each,
# without the varchar_pattern_ops twin (the prefix filters are ranges: ``code_prefix``); a household's
# head and helper organisation are indexed only where set; the persons' index on identity_key_id, which no
# query reads, is dropped; the three primary keys are packed (fillfactor 100: their ids only ever arrive in
# ascending order, so no insert lands in a full page but the last). The indexes go first, so that the
# tables' rewrites for the new types rebuild fewer of them, and build the primary keys packed.

import django.db.models.deletion
from django.db import migrations, models

PACKED_PRIMARY_KEYS = ("people_household_pkey", "people_person_pkey", "people_benefit_pkey")


def primary_keys_packed(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in PACKED_PRIMARY_KEYS:
        schema_editor.execute(f"ALTER INDEX {schema_editor.quote_name(index)} SET (fillfactor = 100)")


def primary_keys_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in PACKED_PRIMARY_KEYS:
        schema_editor.execute(f"ALTER INDEX {schema_editor.quote_name(index)} RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0012_years_reached_summary'),
        ('registry', '0005_choice_labels'),
    ]

    operations = [
        migrations.AlterField(
            model_name='household',
            name='county_code',
            field=models.CharField(max_length=6),
        ),
        migrations.AlterField(
            model_name='household',
            name='head',
            field=models.ForeignKey(blank=True, db_index=False, help_text='户主 head', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.person'),
        ),
        migrations.AlterField(
            model_name='household',
            name='helper_organisation',
            field=models.ForeignKey(blank=True, db_index=False, help_text='帮扶单位', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.organisation'),
        ),
        migrations.AlterField(
            model_name='household',
            name='village',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='households', to='registry.area'),
        ),
        migrations.AlterField(
            model_name='person',
            name='area',
            field=models.ForeignKey(db_index=False, help_text='户籍所在地 registered area', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.area'),
        ),
        migrations.AlterField(
            model_name='person',
            name='county_code',
            field=models.CharField(max_length=6),
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['village'], name='household_village'),
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['county_code'], name='household_county_code'),
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(condition=models.Q(('head__isnull', False)), fields=['head'], name='household_head_set'),
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(condition=models.Q(('helper_organisation__isnull', False)), fields=['helper_organisation'], name='household_helper_org_set'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['area'], name='person_area'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['county_code'], name='person_county_code'),
        ),
        migrations.RemoveIndex(
            model_name='person',
            name='person_identity_key_id',
        ),
        migrations.RunPython(primary_keys_packed, primary_keys_default, elidable=False),
        migrations.AlterField(
            model_name='household',
            name='id',
            field=models.AutoField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name='person',
            name='id',
            field=models.AutoField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name='benefit',
            name='id',
            field=models.AutoField(primary_key=True, serialize=False),
        ),
    ]
