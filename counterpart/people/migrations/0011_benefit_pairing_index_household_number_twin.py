# Two indexes that did not pay for themselves (docs/benchmarks.md, "Row widths"): the benefits' covering
# index led by pairing (a donor's share reads benefit_pairing_set), and the varchar_pattern_ops twin of the
# household number's unique index (only the demo's LIKE 'DEMO-%' read it): unique=True becomes a constraint.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0010_person_blind_index_bytes'),
        ('registry', '0005_choice_labels'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='benefit',
            name='benefit_program_year_pairing',
        ),
        migrations.AlterField(
            model_name='household',
            name='number',
            field=models.CharField(help_text='户编号 household number in the registry', max_length=40),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.UniqueConstraint(fields=('number',), name='household_number_unique'),
        ),
    ]
