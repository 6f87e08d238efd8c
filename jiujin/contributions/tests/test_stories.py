"""先进典型: text and checked photos, marked for reports, served only in scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.contributions.models import Story, StoryPhoto
from jiujin.contributions.selectors import stories_for_reports

from .helpers import make_story, png

pytestmark = pytest.mark.django_db


def test_it_lists_stories_marked_for_reports_with_their_marked_photos(
    cast: Any, tree: Any, cadre_a: Any
) -> None:
    marked = make_story(cast.community_a, tree.community_a, cadre_a, photos=2)
    StoryPhoto.objects.filter(pk=marked.photos.last().pk).update(for_reports=False)
    make_story(cast.community_a, tree.community_a, cadre_a, for_reports=False)
    found = stories_for_reports(cast.district, date(2026, 1, 1), date(2026, 12, 31))
    assert found == [marked]
    assert len(found[0].photos.all()) == 1
    assert stories_for_reports(cast.community_b, date(2026, 1, 1), date(2026, 12, 31)) == []


def test_it_creates_a_story_with_photos_from_the_page(
    client_for: Any, cast: Any, tree: Any, cadre_a: Any
) -> None:
    client = client_for(cast.community_a)
    data = {
        "title": "巡逻队的十年",
        "date": "2026-09-01",
        "org_unit": tree.community_a.pk,
        "cadre": cadre_a.pk,
        "text": "每晚巡逻。",
        "for_reports": "on",
        "photos_for_reports": "on",
        "photos": [SimpleUploadedFile("a.png", png()), SimpleUploadedFile("b.png", png("blue"))],
    }
    response = client.post("/contributions/stories/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get()
    assert story.for_reports and story.photos.filter(for_reports=True).count() == 2
    photo = story.photos.first()
    shown = client.get(f"/contributions/stories/photos/{photo.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert client.get("/contributions/stories/").status_code == 200
    assert client.get(f"/contributions/stories/{story.pk}/").status_code == 200


def test_it_refuses_a_file_that_is_not_an_image(client_for: Any, cast: Any, tree: Any) -> None:
    data = {
        "title": "x", "date": "2026-09-01", "org_unit": tree.community_a.pk, "text": "y",
        "photos": [SimpleUploadedFile("evil.png", b"<script>alert(1)</script>")],
    }  # fmt: skip
    response = client_for(cast.community_a).post("/contributions/stories/new/", data)
    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()
    assert Story.objects.count() == 0


def test_it_refuses_a_cadre_outside_the_storys_unit(
    client_for: Any, cast: Any, tree: Any, cadre_a: Any
) -> None:
    other = CadreFactory(community=tree.community_b)
    data = {
        "title": "x",
        "date": "2026-09-01",
        "org_unit": tree.community_a.pk,
        "text": "y",
        "cadre": other.pk,
    }
    response = client_for(cast.street).post("/contributions/stories/new/", data)
    assert response.status_code == 200
    assert Story.objects.count() == 0


def test_it_hides_stories_and_photos_from_outsiders(
    client_for: Any, cast: Any, tree: Any, cadre_a: Any
) -> None:
    story = make_story(cast.community_a, tree.community_a, cadre_a)
    photo = story.photos.get()
    for user in cast.outsiders():
        client = client_for(user)
        assert client.get(f"/contributions/stories/{story.pk}/").status_code == 404
        assert client.get(f"/contributions/stories/photos/{photo.pk}/").status_code == 404
