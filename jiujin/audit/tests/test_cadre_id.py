"""An event keeps the cadre's id, not a foreign key: the audit app sits below cadres."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.tests.factories import CadreFactory

URL = "/audit/"
BEFORE, AFTER = ("audit", "0003_fill_subject"), ("audit", "0004_cadre_plain_id")


def test_the_list_names_each_cadre_of_the_page(cast: Any, tree: Any, cadre_a: Any, client_for: Any) -> None:
    other = CadreFactory(name="王秀英", community=tree.community_b)
    for cadre in (cadre_a, other):
        audit_record(actor=Actor(user=cast.community_a), action=AuditAction.VIEW, cadre=cadre)
    html = client_for(cast.admin).get(URL).content.decode()
    assert "张德明</a>" in html and "王秀英</a>" in html
    assert f'href="/cadres/{other.pk}/"' in html


def test_an_event_keeps_only_the_cadre_id(cast: Any, cadre_a: Any) -> None:
    event = audit_record(actor=Actor(user=cast.community_a), action=AuditAction.VIEW, cadre=cadre_a)
    assert AuditEvent.objects.get(pk=event.pk).cadre_id == cadre_a.pk
    assert not any(f.is_relation for f in AuditEvent._meta.get_fields() if f.name.startswith("cadre"))


def _constraints() -> dict[str, dict[str, Any]]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, AuditEvent._meta.db_table)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_and_drops_only_the_foreign_key(tree: Any) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("audit", "AuditEvent")
    cadre = CadreFactory(community=tree.community_a)
    rows = [
        old.objects.create(action="view", cadre_id=cadre.pk, detail="详情页"),
        old.objects.create(action="denied"),
    ]
    assert any(c["foreign_key"] for c in _constraints().values() if c["columns"] == ["cadre_id"])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    assert sorted(AuditEvent.objects.values_list("pk", "cadre_id", "detail")) == [
        (rows[0].pk, cadre.pk, "详情页"),
        (rows[1].pk, None, ""),
    ]
    constraints = _constraints()
    assert not any(c["foreign_key"] for c in constraints.values() if c["columns"] == ["cadre_id"])
    assert constraints["audit_cadre_at"]["columns"] == ["cadre_id", "at"]
    # No constraint left to refuse an id no cadre has (a row of a restored or trimmed database).
    AuditEvent.objects.create(action="view", cadre_id=10**12)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
