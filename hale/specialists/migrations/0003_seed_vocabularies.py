from django.db import migrations


def seed(apps, schema_editor):
    from hale.specialists.vocabulary import seed_vocabularies

    seed_vocabularies(apps.get_model("specialists", "Specialisation"),
                      apps.get_model("specialists", "ExpertiseArea"))


class Migration(migrations.Migration):

    dependencies = [
        ("specialists", "0002_profile_and_review"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
