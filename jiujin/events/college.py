"""老年大学 pages: courses with terms, classes (teacher, weekday/time, place, cap) and enrolment with a
waiting list. A class's sessions are events of one series, so attendance is the events' check-in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, NoAccess, access
from jiujin.core.http import AuthedRequest

from .forms import CourseClassForm, CourseForm
from .models import Course, CourseClass, Enrolment, Event, SignUpState
from .services import course_class_create, course_create, enrolment_add, enrolment_cancel


def _course(request: AuthedRequest, pk: int) -> Course:
    try:
        return Course.objects.for_user(request.user).select_related("unit").get(pk=pk)
    except Course.DoesNotExist as exc:
        raise NoAccess("没有找到该课程") from exc


def _class(request: AuthedRequest, pk: int) -> CourseClass:
    courses = Course.objects.for_user(request.user)
    try:
        return CourseClass.objects.select_related("term__course__unit").get(pk=pk, term__course__in=courses)
    except CourseClass.DoesNotExist as exc:
        raise NoAccess("没有找到该班级") from exc


def _manages(request: AuthedRequest, course: Course) -> bool:
    user = request.user
    return user.sees_everything or (user.org_unit is not None and user.org_unit.contains(course.unit))


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def courses(request: AuthedRequest) -> HttpResponse:
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        course = course_create(actor=actor_from_request(request), data=form.cleaned_data)
        messages.success(request, "课程已创建")
        return redirect("events:course_detail", course.pk)
    rows = (
        Course.objects.for_user(request.user)
        .select_related("unit")
        .annotate(n_terms=Count("terms"))
        .order_by("name")
    )
    return render(request, "events/courses.html", {"rows": rows, "form": form})


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def course_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    can_manage = _manages(request, course)
    form = CourseClassForm(request.POST or None, course=course)
    if request.method == "POST":
        if not can_manage:
            raise NoAccess("没有找到该课程")
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "term"}
            klass = course_class_create(
                actor=actor_from_request(request), term=form.cleaned_data["term"], data=data
            )
            messages.success(request, "班级已开设，课次已排好")
            return redirect("events:class_detail", klass.pk)
    classes = (
        CourseClass.objects.filter(term__course=course)
        .select_related("term")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__state=SignUpState.CONFIRMED)),
            waiting=Count("enrolments", filter=Q(enrolments__state=SignUpState.WAITING)),
        )
        .order_by("-term__starts_on", "weekday")
    )
    context = {"course": course, "classes": classes, "form": form, "can_manage": can_manage}
    return render(request, "events/course_detail.html", context)


@access(STAFF)
@login_required
@require_GET
def class_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    klass = _class(request, pk)
    scoped = Cadre.objects.for_user(request.user).values("pk")
    enrolments = (
        Enrolment.objects.filter(course_class=klass, cadre__in=scoped)
        .exclude(state=SignUpState.CANCELLED)
        .select_related("cadre__community")
        .order_by("state", "queued_at", "id")
    )
    q = request.GET.get("q", "").strip()
    unit_path = klass.term.course.unit.path
    matches = (
        list(
            Cadre.objects.for_user(request.user)
            .active()
            .filter(community__path__startswith=unit_path)
            .search(q)[:8]
        )
        if q
        else []
    )
    sessions = Event.objects.filter(series_id=klass.series_id).order_by("starts_at")
    context = {"klass": klass, "enrolments": enrolments, "matches": matches, "q": q, "sessions": sessions}
    return render(request, "events/class_detail.html", context)


@access(STAFF)
@login_required
@require_POST
def enrol(request: AuthedRequest, pk: int) -> HttpResponse:
    klass = _class(request, pk)
    cadre = get_cadre_for_user(request.user, request.POST.get("cadre"))
    actor = actor_from_request(request)
    if request.POST.get("leave"):
        promoted = enrolment_cancel(actor=actor, course_class=klass, cadre=cadre)
        messages.success(
            request, f"{cadre.name}已退班" + (f"，{promoted.cadre.name}由候补转入" if promoted else "")
        )
    else:
        try:
            enrolment = enrolment_add(actor=actor, course_class=klass, cadre=cadre)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"{cadre.name}：{enrolment.get_state_display()}")
    return redirect("events:class_detail", klass.pk)
