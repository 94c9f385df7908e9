"""Load Jilin's regions (GB/T 2260) from docparse/data/regions_jilin.json."""

from django.db import migrations


def load(apps, schema_editor):
    from duban.indicators.regions import load_regions

    load_regions(apps.get_model("indicators", "Region"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
