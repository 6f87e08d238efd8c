"""The reports app's world for the access walk: a row on every ledger of community A, so a bundle an outsider
downloads (their own unit's, by default) is seen to hold none of it; community A's report texts and Word
template, which no outsider's POST may change. The routes take no ids."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiujin.core.attachments import check_upload
from jiujin.reports.models import ReportTemplate, ReportText
from jiujin.reports.report_template import default_template

from .helpers import fill_ledgers


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    fill_ledgers(cast.community_a, tree.community_a, cadre_a)
    ReportText.objects.create(
        unit=tree.community_a, start=date(2026, 1, 1), end=date(2026, 12, 31), problems=cadre_a.address
    )
    ReportTemplate.build(
        check_upload(default_template(), name="模板.docx"),
        uploaded_by=cast.community_a,
        unit=tree.community_a,
    ).save()
    return {
        "written": [
            ReportText.objects.count,
            ReportTemplate.objects.count,
            lambda: hash(tuple(ReportText.objects.values_list("problems", "plans"))),
        ]
    }
