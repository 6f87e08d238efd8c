"""Contact cards over /api/v1/ (mounted at "/"): same scoping as the pages, out of scope is 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access
from jiujin.core.api import Detail, caller

from .views import cadre_card_response

router = Router(tags=["服务名录与联系卡"])


@router.get(
    "/cadres/{cadre_id}/card.pdf",
    response={404: Detail},
    summary="联系卡 PDF Print a cadre's contact card",
    description="A4 页面上的一张 85×54 毫米联系卡（含裁切线），按当前服务名录生成；每次打印记入审计日志。",
    openapi_extra={
        "responses": {
            "200": {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
@access(STAFF)
def cadre_card(request: HttpRequest, cadre_id: int) -> HttpResponse:
    cadre = get_cadre_for_user(caller(request), cadre_id)
    return cadre_card_response(request, cadre, via="api")
