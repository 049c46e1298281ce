from django.db import migrations


def load(apps, schema_editor):
    from luutru.records.codes import load_code_lists

    load_code_lists(apps.get_model("records", "Code"))


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
