"""Create the database cache table (``settings.CACHES``) as part of ``migrate``.

Rate limits and login throttling count in a cache every process shares; on the embedded default
it is the database (``lastmile.accounts.cache.DatabaseCache``), so ``migrate`` must create its
table. ``createcachetable`` does nothing for other backends or for a table that already exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_president_designation")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
