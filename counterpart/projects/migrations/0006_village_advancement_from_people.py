# Village advancement moves from the people app to the projects app (issue 14). Only Django's state
# changes: the tables stay as they are (``db_table`` keeps their names), so no row is copied or lost.
# The two content types are renamed along, so permissions, admin history and anything else that
# points at them follows the models instead of being left on stale types.

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("villageadvancement", "villagecomponent")


def _content_types_move(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # already there (created by an earlier run); leave the old one as it is
        ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def content_types_forward(apps, schema_editor):
    _content_types_move(apps, schema_editor, "people", "projects")


def content_types_backward(apps, schema_editor):
    _content_types_move(apps, schema_editor, "projects", "people")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('people', '0005_choice_labels'),
        ('projects', '0005_choice_labels'),
        ('registry', '0005_choice_labels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='VillageAdvancement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('county_code', models.CharField(db_index=True, max_length=6)),
                        ('start_year', models.PositiveSmallIntegerField()),
                        ('is_illustrative', models.BooleanField(default=False, help_text='示意数据 generated for the demo, not fact')),
                        ('pairing', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.pairing')),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='village_advancements', to='registry.program')),
                        ('village', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.area')),
                    ],
                    options={
                        'verbose_name': '整村推进 village advancement',
                        'verbose_name_plural': '整村推进 village advancements',
                        'db_table': 'people_villageadvancement',
                        'ordering': ['program_id', 'village_id'],
                        'constraints': [models.UniqueConstraint(fields=('program', 'village'), name='village_advancement_once_per_program')],
                    },
                ),
                migrations.CreateModel(
                    name='VillageComponent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('component', models.CharField(choices=[('organisation', '村级组织活动场所'), ('information', '信息传播'), ('education', '教育'), ('health_appearance', '卫生和村容'), ('production', '生产发展')], max_length=30)),
                        ('status', models.CharField(choices=[('planned', '计划'), ('in_progress', '实施中'), ('complete', '已完成')], default='planned', max_length=20)),
                        ('completed_on', models.DateField(blank=True, null=True)),
                        ('evidence', models.TextField(blank=True, help_text='证明材料 evidence: documents, photos, acceptance')),
                        ('advancement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='components', to='projects.villageadvancement')),
                        ('projects', models.ManyToManyField(blank=True, related_name='village_components', to='projects.project')),
                    ],
                    options={
                        'verbose_name': '整村推进内容 village component',
                        'verbose_name_plural': '整村推进内容 village components',
                        'db_table': 'people_villagecomponent',
                        'ordering': ['advancement_id', 'component'],
                        'constraints': [
                            models.UniqueConstraint(fields=('advancement', 'component'), name='village_component_once'),
                            models.CheckConstraint(condition=models.Q(models.Q(('status', 'complete'), _negated=True), ('completed_on__isnull', False), _connector='OR'), name='village_component_complete_has_date'),
                        ],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(content_types_forward, content_types_backward, elidable=True),
            ],
        ),
    ]
