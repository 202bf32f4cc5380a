"""No double booking on PostgreSQL: an exclusion constraint over booked appointments.

Two appointments of one specialist whose status is pending payment or confirmed may not
overlap (half-open ranges, so back-to-back sessions are fine). btree_gist lets the GiST index
compare the specialist id with ``=``. SQLite has no such constraint: writers are serialised
(IMMEDIATE transactions) and the booking actions check for overlaps inside the transaction.
The constraint is not in the model's Meta because it only exists on PostgreSQL.
"""

from django.db import migrations

CONSTRAINT = "appt_no_double_booking"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_appointment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        specialist_id WITH =,
        tstzrange("start", "end", '[)') WITH &&
    ) WHERE (status IN ('pending_payment', 'confirmed'));
"""

DROP = f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
