"""A trigram index for the staff's search of titles and model names, on PostgreSQL only (the
search is a LIKE over UPPER(column::text), as Django writes icontains)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS submissions_search_trgm ON submissions_submission "
    "USING gin (UPPER(title::text) gin_trgm_ops, UPPER(model_name::text) gin_trgm_ops)"
)
DROP = "DROP INDEX IF EXISTS submissions_search_trgm"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("submissions", "0005_staff_list_order")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
