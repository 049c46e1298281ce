from django.db import migrations, models


class Migration(migrations.Migration):
    """A scan batch is claimed by the run that recognises it, so two never read it at once."""

    dependencies = [
        ("digitization", "0003_item_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="scanbatch",
            name="claimed_by",
            field=models.CharField(
                blank=True,
                help_text=(
                    "“worker:<mã>” cho tiến trình nền luutru db_worker, “process:<máy>:<pid>” "
                    "cho lệnh chạy trực tiếp; trống khi không tiến trình nào giữ lô."
                ),
                max_length=100,
                verbose_name="tiến trình đang nhận dạng",
            ),
        ),
        migrations.AddField(
            model_name="scanbatch",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="nhận lô lúc"),
        ),
    ]
