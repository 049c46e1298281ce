"""The national days every province remembers; each province adds its own (editable rows)."""

from django.db import migrations

DAYS = [
    (3, 2, "Ngày thành lập Đảng Cộng sản Việt Nam", 1930),
    (30, 4, "Ngày Giải phóng miền Nam, thống nhất đất nước", 1975),
    (19, 5, "Ngày sinh Chủ tịch Hồ Chí Minh", 1890),
    (2, 9, "Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam", 1945),
    (3, 10, "Ngày Lưu trữ Việt Nam", 1962),
]


def add_days(apps, schema_editor):  # type: ignore[no-untyped-def]
    Anniversary = apps.get_model("exhibitions", "Anniversary")
    for day, month, name, since in DAYS:
        Anniversary.objects.get_or_create(day=day, month=month, name=name, defaults={"since": since})


def remove_days(apps, schema_editor):  # type: ignore[no-untyped-def]
    Anniversary = apps.get_model("exhibitions", "Anniversary")
    for day, month, name, _since in DAYS:
        Anniversary.objects.filter(day=day, month=month, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("exhibitions", "0001_initial")]
    operations = [migrations.RunPython(add_days, remove_days)]
