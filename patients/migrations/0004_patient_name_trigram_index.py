"""A trigram index for the caseload's search by name, on PostgreSQL only.

The search is `full_name__icontains`, which PostgreSQL runs as UPPER(full_name::text) LIKE
UPPER('%...%'): a B-tree cannot serve a pattern with a leading %, a GIN index of the
trigrams of that same expression can (the planner uses an index only for the expression it
was built on). SQLite (the demo and the tests) has neither GIN nor pg_trgm, so this
migration does nothing there, forwards or backwards.

Written as SQL in RunPython rather than TrigramExtension + GinIndex: TrigramExtension's
reverse queries pg_extension on any database (SQLite has none), and GinIndex(OpClass(Upper()))
needs django.contrib.postgres installed as an app to render the operator class. The index
stays out of the model state on purpose: SQLite rebuilds a table from the model state when a
later migration alters it, and would then try to build a GIN index.
"""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX patient_name_trgm ON patients_patient "
    "USING gin ((UPPER(full_name::text)) gin_trgm_ops)",
)
# The extension stays: dropping it needs its owner, and other indexes may use it.
DROP = ("DROP INDEX IF EXISTS patient_name_trgm",)


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0003_reminderpreference"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
