"""The statement-level zero-sum check of ledger legs probes each touched transaction by its index.

Migration 0007's check summed ``ledger_leg`` joined to the statement's transactions with
``IN (SELECT DISTINCT …)``; the planner ran that as a merge join over the whole
``ledger_leg_transaction_id`` index, so every statement read every leg ever written (a batch of
5,000 receipts read 200,000 legs after 100,000 receipts, 160 ms and growing with the ledger).
The same check (every transaction the statement touched: all its legs, old and new, add up to
zero; at least two legs) is now written per transaction with ``LATERAL``, which can only be run as
one index probe per touched transaction: its cost follows the statement, not the table.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION lastmile_ledger_legs_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT t.transaction_id AS id, s.total, s.n INTO bad
      FROM (SELECT DISTINCT transaction_id FROM new_legs) t
     CROSS JOIN LATERAL (
           SELECT SUM(l.amount) AS total, COUNT(*) AS n
             FROM ledger_leg l
            WHERE l.transaction_id = t.transaction_id
           ) s
     WHERE s.total <> 0 OR s.n < 2
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %, % legs)', bad.id, bad.total, bad.n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# 0007's body, restored as it was
PG_DOWN = """
CREATE OR REPLACE FUNCTION lastmile_ledger_legs_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT l.transaction_id AS id, SUM(l.amount) AS total, COUNT(*) AS n INTO bad
      FROM ledger_leg l
     WHERE l.transaction_id IN (SELECT DISTINCT transaction_id FROM new_legs)
     GROUP BY l.transaction_id
    HAVING SUM(l.amount) <> 0 OR COUNT(*) < 2
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %, % legs)', bad.id, bad.total, bad.n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_execution_costs_secured_claims")]
    operations = [migrations.RunPython(forwards, backwards)]
