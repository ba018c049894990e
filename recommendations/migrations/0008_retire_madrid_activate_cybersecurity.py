from django.db import migrations

RETIRED = "madrid_activate_cybersecurity"


def retire_madrid_activate_cybersecurity(apps, schema_editor):
    """Activa Ciberseguridad is a national programme, not the Ayuntamiento de Madrid's: the
    catalogue now ships it as es_activa_ciberseguridad, which `load_catalogue` adds. The old
    row is kept for the record but no longer offered, whether or not --update is given."""
    apps.get_model("recommendations", "Programme").objects.filter(code=RETIRED).update(
        active=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0007_coverage_iso_regions_municipalities"),
    ]

    operations = [
        migrations.RunPython(retire_madrid_activate_cybersecurity, migrations.RunPython.noop),
    ]
