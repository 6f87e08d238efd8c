"""Contact cards: the PDF's Chinese text and rendering, reprints after a directory change, audit, scoping."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.cards import card_revoke, card_token_for
from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import SHOTS
from jiujin.directory.models import EntryKind
from jiujin.directory.services import directory_entry_update
from jiujin.lib import cards
from jiujin.volunteers.models import Pairing, Volunteer

from .conftest import actor, entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cjk_font")]


@pytest.fixture
def card_setup(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    cast.community_a.last_name, cast.community_a.first_name, cast.community_a.phone = (
        "王",
        "芳",
        "13871110000",
    )
    cast.community_a.save(update_fields=["last_name", "first_name", "phone"])
    volunteer = Volunteer.objects.create(name="李青", phone="13912345678", community=tree.community_a)
    Pairing.objects.create(cadre=cadre_a, volunteer=volunteer, started_on="2026-01-01")
    return {
        "hotline": entry(tree.district, EntryKind.HOTLINE, "老干部服务热线", "0713-8123456", key="hotline"),
        "health": entry(
            tree.street, EntryKind.HEALTH_STATION, "东湖卫生服务站", "0713-8888888", key="health"
        ),
        "property": entry(
            tree.community_a, EntryKind.PROPERTY, "幸福家园物业", "0713-1234567", key="property"
        ),
    }


def pdf_text(content: bytes) -> str:
    doc = pdfium.PdfDocument(content)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_it_prints_a_card_with_chinese_text_and_numbers(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any, tmp_path: Any
) -> None:
    response = client_for(cast.community_a).get(f"/directory/cadres/{cadre_a.pk}/card.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for expected in [
        "爱心服务卡",
        "张德明",
        "王芳",
        "13871110000",
        "李青",
        "13912345678",
        "24小时热线",
        "0713-8123456",
        "卫生服务站",
        "东湖卫生服务站",
        "0713-8888888",
        "幸福家园物业",
        "0713-1234567",
    ]:
        assert expected in text, expected
    assert b"/FontFile2" in response.content  # the CJK font is embedded, not referenced


def test_it_renders_the_card_to_png_with_the_glyphs_drawn(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any
) -> None:
    content = client_for(cast.community_a).get(f"/directory/cadres/{cadre_a.pk}/card.pdf").content
    SHOTS.mkdir(parents=True, exist_ok=True)  # kept as an artifact of the run, for people to look at
    page = pdfium.PdfDocument(content)[0]
    # The name line of the first card (x 17–102 mm, y 25–40 mm from the top) at 150 dpi.
    image = page.render(scale=150 / 72).to_pil().convert("L")
    image.save(SHOTS / "contact-card.png")
    mm = 150 / 25.4
    name_box = image.crop((int(20 * mm), int(40 * mm), int(60 * mm), int(47 * mm)))
    dark = sum(name_box.histogram()[:100])  # pixels darker than 100/255
    assert dark > 200, "the cadre's name did not render (missing CJK glyphs are blank)"
    assert Image.open(io.BytesIO((SHOTS / "contact-card.png").read_bytes())).size[0] > 1000


def test_it_reflects_a_changed_directory_entry_on_reprint(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any
) -> None:
    client = client_for(cast.community_a)
    url = f"/directory/cadres/{cadre_a.pk}/card.pdf"
    assert "0713-8888888" in pdf_text(client.get(url).content)
    health = card_setup["health"]
    values = {f: getattr(health, f) for f in ["kind", "name", "hours", "note", "order"]} | {
        "phones": "0713-8999999"
    }
    directory_entry_update(actor=actor(cast.street), entry=health, values=values)
    text = pdf_text(client.get(url).content)
    assert "0713-8999999" in text and "0713-8888888" not in text


def test_it_audits_every_card_print(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any, api_as: Any
) -> None:
    client_for(cast.community_a).get(f"/directory/cadres/{cadre_a.pk}/card.pdf")
    api_as(cast.community_a).get(f"/cadres/{cadre_a.pk}/card.pdf")
    events = AuditEvent.objects.filter(cadre_id=cadre_a.pk, action=AuditAction.EXPORT).order_by("id")
    assert [(e.via, e.detail) for e in events] == [
        ("web", "打印联系卡，共 1 张"),
        ("api", "打印联系卡，共 1 张"),
    ]


def test_it_scopes_single_and_batch_cards(
    tree: Any, cadre_a: Any, cast: Any, card_setup: Any, client_for: Any, api_as: Any
) -> None:
    for outsider in (cast.community_b, cast.community_z):
        assert client_for(outsider).get(f"/directory/cadres/{cadre_a.pk}/card.pdf").status_code == 404
        assert client_for(outsider).get(f"/directory/{tree.community_a.code}/cards.pdf").status_code == 404
        response = api_as(outsider).get(f"/cadres/{cadre_a.pk}/card.pdf")
        assert response.status_code == 404 and response.json() == {"detail": "没有找到"}
    assert api_as(cast.community_a).get("/cadres/999999/card.pdf").json() == {"detail": "没有找到"}
    ok = api_as(cast.community_a).get(f"/cadres/{cadre_a.pk}/card.pdf")
    assert ok.status_code == 200 and ok.content.startswith(b"%PDF")
    outsiders = [cast.community_b, cast.community_z]
    assert not AuditEvent.objects.filter(user__in=outsiders).exclude(action=AuditAction.DENIED).exists()


def test_it_prints_a_communitys_batch_eight_to_a_page(
    tree: Any, cast: Any, cadre_a: Any, card_setup: Any, client_for: Any
) -> None:
    CadreFactory.create_batch(8, community=tree.community_a, responsible_worker=cast.community_a)
    CadreFactory(community=tree.community_b)  # a sibling community's cadre is not in A's batch
    response = client_for(cast.street).get(f"/directory/{tree.community_a.code}/cards.pdf")
    doc = pdfium.PdfDocument(response.content)
    assert len(doc) == 2  # 9 cards
    assert "张德明" in pdf_text(response.content)
    batch = AuditEvent.objects.filter(action=AuditAction.EXPORT, user=cast.street)
    assert batch.count() == 9 and len(set(batch.values_list("batch", flat=True))) == 1


@pytest.mark.parametrize("path", ["/directory/{code}/cards/", "/directory/{code}/cards.pdf"])
def test_it_keeps_card_queries_constant(
    tree: Any, cast: Any, card_setup: Any, client_for: Any, django_assert_max_num_queries: Any, path: str
) -> None:
    client = client_for(cast.community_a)
    url = path.format(code=tree.community_a.code)
    for n in (3, 30):
        CadreFactory.create_batch(n, community=tree.community_a, responsible_worker=cast.community_a)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_it_carries_the_worker_hotline_120_and_clinic_in_that_order(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any
) -> None:
    text = pdf_text(client_for(cast.community_a).get(f"/directory/cadres/{cadre_a.pk}/card.pdf").content)
    order = [
        "王芳",
        "13871110000",
        "李青",
        "0713-8123456",
        "急救电话",
        "120",
        "东湖卫生服务站",
        "0713-8888888",
    ]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions), text
    assert "未登记" not in text


def test_it_says_which_numbers_are_missing_rather_than_printing_empty_lines(
    tree: Any, cast: Any, client_for: Any
) -> None:
    from jiujin.lib.cards import MISSING_PHONE

    cast.community_a.last_name, cast.community_a.first_name = "王", "芳"
    cast.community_a.save(update_fields=["last_name", "first_name"])
    cadre = CadreFactory(name="李建国", community=tree.community_a, responsible_worker=cast.community_a)
    text = pdf_text(client_for(cast.community_a).get(f"/directory/cadres/{cadre.pk}/card.pdf").content)
    # No directory at all and a worker with no phone: each required line is there, saying what is missing.
    lines = [line.strip() for line in text.splitlines()]
    assert f"联系人 王芳 {MISSING_PHONE}" in lines  # the worker has no phone on file
    assert f"24小时热线 {MISSING_PHONE}" in lines and f"卫生服务站 {MISSING_PHONE}" in lines
    assert "急救电话 医疗急救 120" in lines
    assert not [line for line in lines if line in ("联系人", "24小时热线", "卫生服务站")]  # no bare label


def test_it_does_not_print_120_twice_when_the_directory_lists_it(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    from jiujin.directory.selectors import directories_for
    from jiujin.directory.services import card_lines

    entry(tree.district, EntryKind.OTHER, "急救中心", "120", key="emergency")
    lines = card_lines(cadre_a, directories_for([tree.community_a])[tree.community_a.pk], None)
    assert [line.phone for line in lines].count("120") == 1
    assert [line.label for line in lines][:4] == ["联系人", "24小时热线", "卫生服务站", "其他"]


# ---------------------------------------------------------------- the check-in QR code


def _printed_modules(content: bytes, size: int) -> list[list[bool]]:
    """The QR square of the sheet's first card as printed: each module's centre, dark or light, at 600 dpi."""
    image = pdfium.PdfDocument(content)[0].render(scale=600 / 72).to_pil().convert("L")
    px = 600 / 25.4
    left, top = (
        cards.LEFT + cards.CARD_W - 1.0 - cards.QR_SIZE,
        cards.TOP + cards.CARD_H - 1.0 - cards.QR_SIZE,
    )
    module = cards.QR_SIZE / size
    return [
        [
            image.getpixel((int((left + (c + 0.5) * module) * px), int((top + (r + 0.5) * module) * px)))
            < 128
            for c in range(size)
        ]
        for r in range(size)
    ]


def test_it_prints_the_cards_check_in_token_as_a_qr_code(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any, monkeypatch: Any
) -> None:
    asked: list[str] = []
    real = cards.qr_matrix
    monkeypatch.setattr(cards, "qr_matrix", lambda payload: asked.append(payload) or real(payload))
    content = client_for(cast.community_a).get(f"/directory/cadres/{cadre_a.pk}/card.pdf").content
    token = card_token_for(cadre_a)
    assert asked == [token]
    # What the sheet shows is that token's code, module for module (what a phone's reader sees).
    expected = real(token)
    assert _printed_modules(content, len(expected)) == expected
    assert cadre_a.id_number not in token and cadre_a.id_number.encode() not in content


def test_it_prints_the_new_code_after_a_reissue(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any, monkeypatch: Any
) -> None:
    asked: list[str] = []
    real = cards.qr_matrix
    monkeypatch.setattr(cards, "qr_matrix", lambda payload: asked.append(payload) or real(payload))
    client = client_for(cast.community_a)
    client.get(f"/directory/cadres/{cadre_a.pk}/card.pdf")
    card_revoke(actor=actor(cast.community_a), cadre=cadre_a)
    client.get(f"/directory/cadres/{cadre_a.pk}/card.pdf")
    assert asked[0] != asked[1] and asked[1] == card_token_for(Cadre.objects.get(pk=cadre_a.pk))


def test_it_keeps_every_line_whole_beside_the_qr_code(
    cadre_a: Any, cast: Any, card_setup: Any, client_for: Any
) -> None:
    text = pdf_text(client_for(cast.community_a).get(f"/directory/cadres/{cadre_a.pk}/card.pdf").content)
    # The property line sits beside the code (narrowed): its name and number still print in full.
    assert "幸福家园物业" in text and "0713-1234567" in text and "有事请拨打，我们就近上门" in text
