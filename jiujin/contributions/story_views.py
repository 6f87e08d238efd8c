"""先进典型 pages: the list with a cover photo each, a new story with photos, one story, and its photos (served
only after the scope check, through the shared attachments module)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, access, staff
from jiujin.core.attachments import attachment_response
from jiujin.core.http import AuthedRequest

from . import selectors
from .forms import StoryForm
from .models import Story
from .services import story_save
from .views import MANAGE, PAGE_SIZE, picked_cadre, require_manage


@access(STAFF)
@login_required
@require_GET
def stories(request: AuthedRequest) -> HttpResponse:
    qs = selectors.stories_listed(request.user)
    if request.GET.get("reports") == "1":
        qs = qs.filter(for_reports=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "reports": request.GET.get("reports") == "1",
        "can_manage": request.user.can(MANAGE),
    }
    return render(request, "contributions/stories.html", context)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    instance = selectors.story_for_user(user, pk) if pk is not None else Story()
    require_manage(user)
    form = StoryForm(
        request.POST or None, request.FILES or None, instance=instance, user=user, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        if instance.pk is None:
            form.instance.created_by = user
        try:
            saved = story_save(
                actor=actor_from_request(request),
                story=form.instance,
                photos=form.cleaned_data["photos"],
                photos_for_reports=form.cleaned_data["photos_for_reports"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存先进典型“{saved.title}”")
            return redirect("contributions:story", pk=saved.pk)
    cadre = picked_cadre(user, request.POST.get("cadre") if request.method == "POST" else instance.cadre_id)
    return render(request, "contributions/story_form.html", {"form": form, "picked": cadre})


@access(STAFF)
@login_required
@require_GET
def story(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.story_for_user(request.user, pk)
    context = {"story": found, "photos": list(found.photos.listing()), "can_manage": request.user.can(MANAGE)}
    return render(request, "contributions/story.html", context)


@access(STAFF)
@login_required
@require_GET
def story_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    return attachment_response(selectors.story_photo_for_user(request.user, pk))
