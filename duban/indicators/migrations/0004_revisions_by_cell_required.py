"""Second half of 0003: the cell is now required, and a revision outlives a cleared figure. (A
separate migration: PostgreSQL refuses to alter a table with the first half's updates pending.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_revisions_by_cell")]

    operations = [
        migrations.AlterField(
            model_name="valuerevision",
            name="indicator",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="indicators.indicator"
            ),
        ),
        migrations.AlterField(
            model_name="valuerevision",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="indicators.region"
            ),
        ),
        migrations.AlterField(
            model_name="valuerevision",
            name="period",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="indicators.period"
            ),
        ),
        migrations.AlterField(
            model_name="valuerevision",
            name="value",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="revisions",
                to="indicators.value",
            ),
        ),
        migrations.AlterField(
            model_name="valuerevision",
            name="new_value",
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=24, null=True),
        ),
        migrations.AddIndex(
            model_name="valuerevision",
            index=models.Index(fields=["indicator", "period", "region"], name="ind_revision_cell_idx"),
        ),
    ]
