"""The task's copy of its cadre's community (`VisitTask.community`), kept by PostgreSQL.

Scoping a task by its cadre made every page of due work join a community's cadres: at 100,000 cadres per
community that join cost more than the rest of the page (a district's stats: 0.6 s). With the community on the
task row, scope is a filter on the row and the calendar and stats read one index.

Triggers keep the copy, so no write path can miss it: tasks inserted by any app (bulk inserts included), a
task moved to another cadre, a cadre moved to another community (the cadre form, the roster import's bulk
update). Only the visit generator writes the column, from the cadre row its INSERT … SELECT reads: a lookup
per row made generating 180,000 tasks 30-70 % slower, so the insert trigger fills the column only when it is
empty. `task_communities_sync` makes the triggers and repairs any drift; it runs after every `migrate` and with
the daily jobs (a cadre moved at the very moment a task of theirs is inserted can leave that one task behind
until then).

SQLite (small installations) keeps no copy: its migrations rebuild a table to alter it, which fails while a
trigger on another table names it. There queries read the cadre's community (`scope_field`), a cheap join at
that size.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

TASKS = "tasks_visittask"
CADRES = "cadres_cadre"
_CADRE_COMMUNITY = f"(SELECT c.community_id FROM {CADRES} c WHERE c.id = NEW.cadre_id)"

_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION tasks_visittask_community() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.community_id := {_CADRE_COMMUNITY};
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER tasks_visittask_community_insert BEFORE INSERT ON {TASKS}
    FOR EACH ROW WHEN (NEW.community_id IS NULL) EXECUTE FUNCTION tasks_visittask_community()""",
    # An update recomputes: a task saved from memory carries whatever its instance held.
    f"""CREATE OR REPLACE TRIGGER tasks_visittask_community_update
    BEFORE UPDATE OF cadre_id, community_id ON {TASKS}
    FOR EACH ROW EXECUTE FUNCTION tasks_visittask_community()""",
    f"""CREATE OR REPLACE FUNCTION tasks_cadre_community() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TASKS} SET community_id = NEW.community_id WHERE cadre_id = NEW.id;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER tasks_cadre_community AFTER UPDATE OF community_id ON {CADRES}
    FOR EACH ROW WHEN (OLD.community_id IS DISTINCT FROM NEW.community_id)
    EXECUTE FUNCTION tasks_cadre_community()""",
]

_DROP = [
    f"DROP TRIGGER IF EXISTS tasks_visittask_community_insert ON {TASKS}",
    f"DROP TRIGGER IF EXISTS tasks_visittask_community_update ON {TASKS}",
    f"DROP TRIGGER IF EXISTS tasks_cadre_community ON {CADRES}",
    "DROP FUNCTION IF EXISTS tasks_visittask_community()",
    "DROP FUNCTION IF EXISTS tasks_cadre_community()",
]

_REPAIR = f"""UPDATE {TASKS} t SET community_id = c.community_id FROM {CADRES} c
    WHERE c.id = t.cadre_id AND t.community_id IS DISTINCT FROM c.community_id"""


def _has_column(using: str) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        if not {TASKS, CADRES} <= set(connection.introspection.table_names(cursor)):
            return False
        return any(
            c.name == "community_id" for c in connection.introspection.get_table_description(cursor, TASKS)
        )


def task_communities_sync(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Make the triggers (if missing) and correct every task whose community is not its cadre's; returns how
    many were corrected. Nothing to do on SQLite, or before the column's migration has run."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not _has_column(using):
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for sql in _TRIGGERS:
            cursor.execute(sql)
        cursor.execute(_REPAIR)
        return int(cursor.rowcount)


def task_community_triggers_drop(*, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for sql in _DROP:
            cursor.execute(sql)


def after_migrate(*, using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    task_communities_sync(using=using)
