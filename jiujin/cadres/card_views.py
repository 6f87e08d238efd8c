"""重新制卡: void a cadre's 爱心服务卡 (lost, stolen, or handed on) so its QR code no longer checks anyone in.

A confirmation page on GET, the change only on POST; the new card prints from the directory's card pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jiujin.audit.services import actor_from_request
from jiujin.core.access import access, staff
from jiujin.core.http import AuthedRequest

from .cards import card_revoke
from .selectors import get_cadre_for_user


@access(staff("manage_cadres"))
@login_required
@require_http_methods(["GET", "POST"])
def card_reissue_view(request: AuthedRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, pk)
    if request.method == "POST":
        card_revoke(actor=actor_from_request(request), cadre=cadre)
        messages.success(request, "已重新制卡：旧服务卡的二维码已作废，请打印新卡交给老干部。")
        return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/card_reissue.html", {"cadre": cadre})
