from django.db import migrations


def reload_code_lists(apps, schema_editor):  # type: ignore[no-untyped-def]
    from luutru.records.codes import load_code_lists

    load_code_lists(apps.get_model("records", "Code"))


class Migration(migrations.Migration):
    """The document-type abbreviations of NĐ 30/2020 Phụ lục III (BGN, BTT, QyĐ; Thư công has
    none, so TC is Thông cáo alone) and the 'CV' alias of Công văn."""

    dependencies = [("records", "0005_description_change")]

    operations = [migrations.RunPython(reload_code_lists, migrations.RunPython.noop)]
