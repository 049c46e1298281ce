"""Sign the events written before the anchor existed, with the key made for it now.

They are anchored as they stand at the upgrade (trust on first use); `luutru audit verify`
before migrating tells whether they were intact then.
"""

from django.db import migrations, models


def sign_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if not AuditEvent.objects.exists():
        return  # a new installation: the first event makes the key
    from luutru.audit.anchor import load_key, sign_event

    key = load_key(create=True)
    for pk, digest in AuditEvent.objects.filter(mac="").values_list("pk", "hash").iterator():
        AuditEvent.objects.filter(pk=pk).update(mac=sign_event(key, digest))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="chữ ký khóa neo"
            ),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
