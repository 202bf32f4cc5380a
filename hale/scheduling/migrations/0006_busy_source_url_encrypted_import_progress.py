"""External calendar addresses encrypted at rest (hale.core.encryption), and the fields that
show "Import now" progress. The column becomes text, the stored addresses are encrypted in
place, then the field reads and writes through the cipher; reversing decrypts them again."""

from django.db import migrations, models

import hale.core.encryption


def encrypt_addresses(apps, schema_editor):
    from hale.core.encryption import encrypt

    BusySource = apps.get_model("scheduling", "BusySource")
    for pk, url in BusySource.objects.values_list("pk", "url"):
        BusySource.objects.filter(pk=pk).update(url=encrypt(url))


def decrypt_addresses(apps, schema_editor):
    from hale.core.encryption import decrypt

    BusySource = apps.get_model("scheduling", "BusySource")
    for pk, token in BusySource.objects.values_list("pk", "url"):
        BusySource.objects.filter(pk=pk).update(url=decrypt(token)[:2000])


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0005_availability_request_time_windows"),
    ]

    operations = [
        migrations.AddField(
            model_name="busysource",
            name="import_finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="busysource",
            name="import_requested_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="busysource",
            name="url",
            field=models.TextField(verbose_name="calendar address (ICS)"),
        ),
        migrations.RunPython(encrypt_addresses, decrypt_addresses, elidable=False),
        migrations.AlterField(
            model_name="busysource",
            name="url",
            field=hale.core.encryption.EncryptedTextField(verbose_name="calendar address (ICS)"),
        ),
    ]
