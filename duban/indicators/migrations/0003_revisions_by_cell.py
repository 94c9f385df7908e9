"""Revisions are kept by cell (indicator, region, period) so that clearing a figure keeps its history."""

import django.db.models.deletion
from django.db import migrations, models


def fill_cells(apps, schema_editor):
    ValueRevision = apps.get_model("indicators", "ValueRevision")
    for rev in ValueRevision.objects.select_related("value").iterator():
        v = rev.value
        ValueRevision.objects.filter(pk=rev.pk).update(
            indicator_id=v.indicator_id, region_id=v.region_id, period_id=v.period_id
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_load_regions")]

    operations = [
        migrations.AddField(
            model_name="valuerevision",
            name="indicator",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="indicators.indicator"
            ),
        ),
        migrations.AddField(
            model_name="valuerevision",
            name="region",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="indicators.region"
            ),
        ),
        migrations.AddField(
            model_name="valuerevision",
            name="period",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="indicators.period"
            ),
        ),
        migrations.RunPython(fill_cells, migrations.RunPython.noop),
    ]
