"""Pages of the rubric (考评细则): the list by district and year, the editor, copying, starting a run.

Staff of the district (and above) read a rubric; only `manage_assessment` changes it. Out of scope is 404
(`rubric_for_user`); a frozen rubric (its assessment published) is refused by the services with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, NoAccess, access, staff
from jiujin.core.http import AuthedRequest

from . import selectors, services
from .forms import ItemForm, SectionForm, YearForm
from .models import Assessment, Rubric, RubricItem, RubricSection
from .scoring import assessment_start

MANAGE = "manage_assessment"


@access(STAFF)
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    districts = list(selectors.districts_for_user(request.user))
    rubrics = list(Rubric.objects.filter(district__in=districts).select_related("district"))
    runs = {a.rubric_id: a for a in Assessment.objects.filter(rubric__in=rubrics)}
    context = {
        "rows": [(r, runs.get(r.pk)) for r in rubrics],
        "districts": districts,
        "year_form": YearForm(),
        "can_manage": request.user.can(MANAGE),
    }
    return render(request, "assessments/index.html", context)


@access(staff(MANAGE))
@require_POST
def rubric_create(request: AuthedRequest) -> HttpResponse:
    districts = {d.code: d for d in selectors.districts_for_user(request.user)}
    district = districts.get(request.POST.get("district", ""))
    form = YearForm(request.POST)
    if district is None:
        raise NoAccess("没有找到该区/县")
    if not form.is_valid():
        messages.error(request, "请填写正确的年度")
        return redirect("assessments:index")
    try:
        rubric = services.rubric_create_default(
            actor=actor_from_request(request), district=district, year=form.cleaned_data["year"]
        )
    except services.Refused as e:
        messages.error(request, str(e))
        return redirect("assessments:index")
    messages.success(request, "已按默认模板建立考评细则，可按本地情况修改")
    return redirect("assessments:rubric", rubric.pk)


@access(STAFF)
@require_GET
def rubric(request: AuthedRequest, pk: int) -> HttpResponse:
    rubric = selectors.rubric_for_user(request.user, pk)
    run = Assessment.objects.filter(rubric=rubric).first()
    can_edit = request.user.can(MANAGE) and not (run and run.is_published)
    context = {
        "rubric": rubric,
        "sections": selectors.rubric_outline(rubric),
        "check": services.rubric_check(rubric),
        "run": run,
        "can_manage": request.user.can(MANAGE),
        "can_edit": can_edit,
        "section_form": SectionForm(prefix="new"),
        "year_form": YearForm(initial={"year": rubric.year + 1}),
    }
    return render(request, "assessments/rubric.html", context)


@access(staff(MANAGE))
@require_POST
def section_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """pk: the rubric; `section` in the form names the section to change (none: a new one)."""
    rubric = selectors.rubric_for_user(request.user, pk)
    section = None
    if request.POST.get("section"):
        section = get_object_or_404(RubricSection, pk=request.POST["section"], rubric=rubric)
    form = SectionForm(request.POST, prefix="new" if section is None else f"s{section.pk}")
    if not form.is_valid():
        messages.error(request, "板块名称、分值、顺序都要填写")
        return redirect("assessments:rubric", rubric.pk)
    try:
        services.rubric_section_save(
            actor=actor_from_request(request), rubric=rubric, section=section, **form.cleaned_data
        )
    except services.Refused as e:
        messages.error(request, str(e))
    return redirect("assessments:rubric", rubric.pk)


@access(staff(MANAGE))
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(RubricItem.objects.select_related("section__rubric"), pk=pk)
    selectors.rubric_for_user(request.user, item.section.rubric_id)
    return _item_form(request, item.section, item)


@access(staff(MANAGE))
@require_http_methods(["GET", "POST"])
def item_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """pk: the section the new item goes into."""
    section = get_object_or_404(RubricSection.objects.select_related("rubric"), pk=pk)
    selectors.rubric_for_user(request.user, section.rubric_id)
    return _item_form(request, section, None)


def _item_form(request: AuthedRequest, section: RubricSection, item: RubricItem | None) -> HttpResponse:
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.rubric_item_save(
                actor=actor_from_request(request), section=section, item=item, fields=form.cleaned_data
            )
        except services.Refused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "已保存考评项目")
            return redirect("assessments:rubric", section.rubric_id)
    context = {"rubric": section.rubric, "section": section, "item": item, "form": form}
    return render(request, "assessments/item_form.html", context)


@access(staff(MANAGE))
@require_POST
def item_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(RubricItem.objects.select_related("section__rubric"), pk=pk)
    selectors.rubric_for_user(request.user, item.section.rubric_id)
    try:
        services.rubric_item_delete(actor=actor_from_request(request), item=item)
    except services.Refused as e:
        messages.error(request, str(e))
    return redirect("assessments:rubric", item.section.rubric_id)


@access(staff(MANAGE))
@require_POST
def rubric_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    rubric = selectors.rubric_for_user(request.user, pk)
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写正确的年度")
        return redirect("assessments:rubric", rubric.pk)
    try:
        copy = services.rubric_copy(
            actor=actor_from_request(request), rubric=rubric, year=form.cleaned_data["year"]
        )
    except services.Refused as e:
        messages.error(request, str(e))
        return redirect("assessments:rubric", rubric.pk)
    messages.success(request, f"已复制为{copy.year}年度细则（不含得分）")
    return redirect("assessments:rubric", copy.pk)


@access(staff(MANAGE))
@require_POST
def rubric_start(request: AuthedRequest, pk: int) -> HttpResponse:
    rubric = selectors.rubric_for_user(request.user, pk)
    try:
        run = assessment_start(actor=actor_from_request(request), rubric=rubric)
    except services.Refused as e:
        messages.error(request, str(e))
        return redirect("assessments:rubric", rubric.pk)
    messages.success(request, "考评已开始：系统指标已计算，请考评员录入人工评分项")
    return redirect("assessments:overview", run.pk)
