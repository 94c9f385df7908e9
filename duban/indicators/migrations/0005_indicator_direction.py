"""Which way an indicator is better (higher, or lower like a clearance time), for attainment."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_revisions_by_cell_required")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="direction",
            field=models.CharField(
                choices=[("higher", "Higher is better"), ("lower", "Lower is better (e.g. a clearance time)")],
                default="higher",
                max_length=6,
                verbose_name="better when",
            ),
        ),
    ]
