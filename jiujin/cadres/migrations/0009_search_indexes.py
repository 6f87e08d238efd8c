"""Indexes for what workers type into the cadre search, on PostgreSQL (SQLite scans; it serves one office).

- part of a name, any length (德明, 张, 张德明): a GIN index over the name's 1- and 2-character pieces
  (`jiujin_grams`, an immutable SQL function); the search asks for the pieces of what was typed, then checks
  the whole text, so nothing a plain `icontains` finds is missed. No locale or extension needed.
- ID-number tail (4–8 characters, with X): a btree over the reversed number, read as a prefix.
- digits anywhere in a phone number: pg_trgm GIN indexes on the mobile and landline columns.
"""

from django.db import migrations

from jiujin.core.migration_ops import postgres_sql

GRAMS = """
CREATE OR REPLACE FUNCTION jiujin_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
    SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
    UNION ALL
    SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
  ) AS pieces
$$
"""

FORWARD = [
    GRAMS,
    "CREATE INDEX IF NOT EXISTS cadre_name_grams ON cadres_cadre USING gin (jiujin_grams(lower(name)))",
    "CREATE INDEX IF NOT EXISTS cadre_id_tail ON cadres_cadre (reverse(id_number) text_pattern_ops)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cadre_mobile_trgm ON cadres_cadre USING gin (phone_mobile gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS cadre_landline_trgm ON cadres_cadre USING gin (phone_landline gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS cadre_landline_trgm",
    "DROP INDEX IF EXISTS cadre_mobile_trgm",
    "DROP INDEX IF EXISTS cadre_id_tail",
    "DROP INDEX IF EXISTS cadre_name_grams",
    "DROP FUNCTION IF EXISTS jiujin_grams(text)",
]


class Migration(migrations.Migration):
    dependencies = [("cadres", "0008_party_member_not_assumed")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
