# Village advancement moves to the projects app (projects 0006): the people app forgets the two
# models in Django's state only; their tables stay, now owned by the projects app's models.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0007_benefit_county_of_its_person'),
        ('projects', '0006_village_advancement_from_people'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='VillageComponent'),
                migrations.DeleteModel(name='VillageAdvancement'),
            ],
            database_operations=[],
        ),
    ]
