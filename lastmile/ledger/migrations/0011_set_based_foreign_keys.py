"""PostgreSQL: the foreign keys of the ledger's hot insert tables checked once per statement.

Django's foreign keys are ``DEFERRABLE INITIALLY DEFERRED``: PostgreSQL queues one check per row
and runs them one by one at the commit (a look-up of the parent and a ``FOR KEY SHARE`` lock, each
its own executor run). A bank statement of 5,000 receipts wrote about 40,000 of them (a receipt's
court and case, its transaction's court and case, two legs' transaction and account): 46 % of the
server's CPU of the import went into them.

The six foreign keys of ``ledger_receipt`` (court, case), ``ledger_transaction`` (court, case) and
``ledger_leg`` (transaction, account) are replaced, on PostgreSQL only, by triggers that keep the
same guarantee with one set-based check per statement:

- **the child side** (``AFTER INSERT`` on the three tables, and ``AFTER UPDATE`` on receipts, whose
  case is set when unclaimed money is claimed; ``FOR EACH STATEMENT`` over the transition table):
  the distinct parents the statement names are read and locked ``FOR KEY SHARE`` (as the foreign
  key's own check locks them, so a parallel delete of a parent waits for this transaction) in one
  query per column; if fewer are found than named, the statement fails with
  ``foreign_key_violation``;
- **the parent side**: a statement-level ``AFTER DELETE`` on ``accounts_court``, ``cases_case``,
  ``ledger_account`` and ``ledger_transaction`` refuses to delete a row a ledger row still names
  (the foreign keys' ``PROTECT``/``NO ACTION``); a row-level ``BEFORE UPDATE OF id`` refuses to
  change such a row's key; an ``AFTER TRUNCATE`` refuses to empty a parent while its children are
  not emptied by the same command. The parent-side checks read with a fresh snapshot of each
  statement (plpgsql, ``READ COMMITTED``, the project's isolation level): a delete that waited
  for an inserter's ``FOR KEY SHARE`` lock sees the rows it committed.

The checks are immediate (at the end of each statement), not deferred to the commit: every writer
of these tables inserts the parents first (the posting services, the import, the demo). SQLite
keeps its foreign keys: the model's state is unchanged (``db_constraint`` stays true). A later
``AlterField`` of one of these six fields would re-create its foreign key on PostgreSQL (harmless:
both then check).
"""

from django.db import migrations

# (child table, column, parent table)
CHILD_KEYS = [
    ("ledger_receipt", "court_id", "accounts_court"),
    ("ledger_receipt", "case_id", "cases_case"),
    ("ledger_transaction", "court_id", "accounts_court"),
    ("ledger_transaction", "case_id", "cases_case"),
    ("ledger_leg", "transaction_id", "ledger_transaction"),
    ("ledger_leg", "account_id", "ledger_account"),
]

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION lastmile_ledger_parents_exist() RETURNS trigger AS $$
-- Statement-level, over the transition table new_rows. TG_ARGV: pairs (column, parent table).
DECLARE
    i integer := 0;
    wanted bigint;
    held bigint;
    missing bigint;
BEGIN
    WHILE i < TG_NARGS LOOP
        EXECUTE format('SELECT count(DISTINCT %1$I) FROM new_rows', TG_ARGV[i]) INTO wanted;
        IF wanted > 0 THEN
            EXECUTE format(
                'SELECT count(*) FROM (SELECT 1 FROM %2$I p WHERE p.id IN (SELECT %1$I FROM new_rows) '
                'ORDER BY p.id FOR KEY SHARE OF p) h',
                TG_ARGV[i], TG_ARGV[i + 1]) INTO held;
            IF held <> wanted THEN
                EXECUTE format(
                    'SELECT n.%1$I FROM new_rows n WHERE n.%1$I IS NOT NULL '
                    'AND NOT EXISTS (SELECT 1 FROM %2$I p WHERE p.id = n.%1$I) LIMIT 1',
                    TG_ARGV[i], TG_ARGV[i + 1]) INTO missing;
                RAISE EXCEPTION 'insert or update on table "%" violates foreign key: %=% is not in "%"',
                    TG_TABLE_NAME, TG_ARGV[i], missing, TG_ARGV[i + 1]
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION lastmile_ledger_parent_kept() RETURNS trigger AS $$
-- On a parent table: statement-level AFTER DELETE (over old_rows) and AFTER TRUNCATE, row-level
-- BEFORE UPDATE OF id. TG_ARGV: pairs (child table, column).
DECLARE
    i integer := 0;
    found bigint;
BEGIN
    WHILE i < TG_NARGS LOOP
        IF TG_OP = 'DELETE' THEN
            EXECUTE format('SELECT c.%2$I FROM %1$I c WHERE c.%2$I IN (SELECT id FROM old_rows) LIMIT 1',
                TG_ARGV[i], TG_ARGV[i + 1]) INTO found;
        ELSIF TG_OP = 'TRUNCATE' THEN
            EXECUTE format('SELECT c.%2$I FROM %1$I c WHERE c.%2$I IS NOT NULL LIMIT 1',
                TG_ARGV[i], TG_ARGV[i + 1]) INTO found;
        ELSE
            EXECUTE format('SELECT c.%2$I FROM %1$I c WHERE c.%2$I = $1 LIMIT 1',
                TG_ARGV[i], TG_ARGV[i + 1]) INTO found USING OLD.id;
        END IF;
        IF found IS NOT NULL THEN
            RAISE EXCEPTION '% on table "%" violates foreign key: "%".% = % still names it',
                TG_OP, TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1], found
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        i := i + 2;
    END LOOP;
    IF TG_LEVEL = 'ROW' THEN
        RETURN NEW;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _children() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for child, column, _parent in CHILD_KEYS:
        out.setdefault(child, []).append((column, _parent))
    return out


def _parents() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for child, column, parent in CHILD_KEYS:
        out.setdefault(parent, []).append((child, column))
    return out


def _args(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f"'{a}', '{b}'" for a, b in pairs)


def _triggers_sql() -> list[str]:
    sql = [FUNCTIONS]
    for child, pairs in _children().items():
        sql.append(
            f"CREATE TRIGGER {child}_parents_ins AFTER INSERT ON {child} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION lastmile_ledger_parents_exist({_args(pairs)})"
        )
    # Receipts are updated when claimed (their case is set); transactions and legs are append-only.
    sql.append(
        "CREATE TRIGGER ledger_receipt_parents_upd AFTER UPDATE ON ledger_receipt "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "
        f"lastmile_ledger_parents_exist({_args(_children()['ledger_receipt'])})"
    )
    for parent, pairs in _parents().items():
        args = _args(pairs)
        sql += [
            f"CREATE TRIGGER {parent}_ledger_kept_del AFTER DELETE ON {parent} "
            "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION lastmile_ledger_parent_kept({args})",
            f"CREATE TRIGGER {parent}_ledger_kept_trunc AFTER TRUNCATE ON {parent} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION lastmile_ledger_parent_kept({args})",
            f"CREATE TRIGGER {parent}_ledger_kept_upd BEFORE UPDATE OF id ON {parent} FOR EACH ROW "
            f"WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION lastmile_ledger_parent_kept({args})",
        ]
    return sql


def _drop_triggers_sql() -> list[str]:
    sql = [f"DROP TRIGGER IF EXISTS {child}_parents_ins ON {child}" for child in _children()]
    sql.append("DROP TRIGGER IF EXISTS ledger_receipt_parents_upd ON ledger_receipt")
    for parent in _parents():
        sql += [
            f"DROP TRIGGER IF EXISTS {parent}_ledger_kept_{suffix} ON {parent}"
            for suffix in ("del", "trunc", "upd")
        ]
    sql += [
        "DROP FUNCTION IF EXISTS lastmile_ledger_parents_exist()",
        "DROP FUNCTION IF EXISTS lastmile_ledger_parent_kept()",
    ]
    return sql


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        for child, column, parent in CHILD_KEYS:
            cur.execute(
                "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
                "ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
                "WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND c.confrelid = %s::regclass "
                "AND a.attname = %s",
                [child, parent, column],
            )
            for (name,) in cur.fetchall():
                schema_editor.execute(f'ALTER TABLE "{child}" DROP CONSTRAINT "{name}"')
    for sql in _triggers_sql():
        schema_editor.execute(sql, None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in _drop_triggers_sql():
        schema_editor.execute(sql, None)
    models = {"ledger_receipt": "Receipt", "ledger_transaction": "Transaction", "ledger_leg": "Leg"}
    for child, column, _parent in CHILD_KEYS:
        model = apps.get_model("ledger", models[child])
        field = next(f for f in model._meta.local_fields if f.column == column)
        schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_single_column_indexes_covered")]
    operations = [migrations.RunPython(forwards, backwards)]
