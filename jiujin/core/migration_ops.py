"""Migration operations shared by apps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import migrations


def postgres_sql(forward: Sequence[str], backward: Sequence[str]) -> migrations.RunPython:
    """Run these statements on PostgreSQL only (indexes and functions SQLite has no use for or cannot build);
    on SQLite the migration is a no-op that still records itself."""

    def run(statements: Sequence[str]) -> Callable[[Any, Any], None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward), elidable=False)
