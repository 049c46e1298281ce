from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0004_transfer_package_header"),
    ]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="package_object",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="gói lưu tạm trong kho"
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="package_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="mã SHA-256 của gói"
            ),
        ),
    ]
