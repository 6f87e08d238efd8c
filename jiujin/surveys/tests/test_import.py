"""The Excel import: headers by text, Q<n> or code; choices by text or number; every bad row named with its row
and column; nothing written unless the whole file is valid; the blank template reads back."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.surveys.models import Answer, Response, ResponseRevision, ResponseSource
from jiujin.tasks.models import TaskStatus, VisitTask

from .factories import make_survey, needs_answers, qid

pytestmark = pytest.mark.usefixtures("frozen")

HEADER = [
    "姓名",
    "公民身份号码",
    "您是否希望参加各类知识的学习？",
    "Q2",
    "pastime",
    "Q4",
    "Q5",
    "Q6",
    "Q7",
    "Q8",
    "Q9",
    "Q10",
    "Q11",
]


def xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in [HEADER, *rows]:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return SimpleUploadedFile("答卷.xlsx", out.getvalue())


def good_row(cadre: Any, **overrides: Any) -> list[Any]:
    values = [
        "希望",
        "生病住院、生活孤独",
        "1,2",
        "满意",
        2,
        "愿意",
        "有人照料",
        1,
        "与子女同住",
        "",
        "到离家较近的医院",
    ]
    row = [cadre.name, cadre.id_number, *values]
    for index, value in overrides.items():
        row[int(index.removeprefix("c"))] = value
    return row


def test_it_previews_then_imports_a_valid_file(tree: Any, cast: Any, cadre_a: Any, client_for: Any) -> None:
    other: Any = CadreFactory(community=tree.community_b)
    survey = make_survey(cast.district, tree.district)
    client = client_for(cast.district)
    preview = client.post(
        f"/surveys/{survey.pk}/import/", {"file": xlsx([good_row(cadre_a), good_row(other)])}
    )
    page = preview.content.decode()
    assert "共 <strong>2</strong> 份答卷" in page, page
    assert Response.objects.count() == 0  # a preview writes nothing
    done = client.post(f"/surveys/{survey.pk}/import/confirm/")
    assert done.status_code == 302
    assert Response.objects.filter(source=ResponseSource.EXCEL).count() == 2
    response = Response.objects.get(cadre=cadre_a)
    pastime = Answer.objects.filter(response=response, question_id=qid(survey, "pastime"))
    assert set(pastime.values_list("choice", flat=True)) == {0, 1}  # by number, 1 = the first option
    role = Answer.objects.get(response=response, question_id=qid(survey, "role"))
    assert role.choice == 1
    assert not VisitTask.objects.filter(kind="survey", status=TaskStatus.OPEN).exists()


def test_it_names_every_bad_row_and_writes_nothing(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    survey = make_survey(cast.district, tree.district)
    outsider: Any = CadreFactory(community=tree.community_z)
    rows = [
        good_row(cadre_a, c5="还行"),
        good_row(cadre_a),
        good_row(outsider),
        good_row(cadre_a, c1="12345"),
        good_row(cadre_a, c10="独居"),
    ]
    page = (
        client_for(cast.district).post(f"/surveys/{survey.pk}/import/", {"file": xlsx(rows)}).content.decode()
    )
    assert "未导入任何数据" in page
    assert '第2行</td><td data-label="列">Q4</td><td data-label="问题">“还行”不是本题的选项' in page
    assert "与第2行重复" in page
    assert "没有找到该身份证号的老干部" in page
    assert '第5行</td><td data-label="列">公民身份号码' in page
    assert Response.objects.count() == 0
    assert client_for(cast.district).post(f"/surveys/{survey.pk}/import/confirm/").status_code == 302
    assert Response.objects.count() == 0


def test_it_requires_the_alone_question_for_those_living_alone(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    survey = make_survey(cast.district, tree.district)
    page = client_for(cast.district).post(
        f"/surveys/{survey.pk}/import/", {"file": xlsx([good_row(cadre_a, c10="独居")])}
    )
    assert '第2行</td><td data-label="列">Q10</td><td data-label="问题">必须回答' in page.content.decode()


def test_it_replaces_earlier_answers_with_history(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    from jiujin.audit.services import Actor
    from jiujin.surveys.responses import response_record

    survey = make_survey(cast.district, tree.district)
    response_record(
        actor=Actor(user=cast.community_a), survey=survey, cadre=cadre_a, answers=needs_answers(survey)
    )
    client = client_for(cast.district)
    page = client.post(f"/surveys/{survey.pk}/import/", {"file": xlsx([good_row(cadre_a, c2="不希望")])})
    assert "其中 1 份将更新已有答卷" in page.content.decode()
    client.post(f"/surveys/{survey.pk}/import/confirm/")
    assert ResponseRevision.objects.get().answers["learning"] == "希望"
    assert Answer.objects.get(question_id=qid(survey, "learning")).choice == 1


def test_it_serves_a_blank_template_that_reads_back(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    survey = make_survey(cast.district, tree.district)
    client = client_for(cast.district)
    download = client.get(f"/surveys/{survey.pk}/import/template.xlsx")
    assert download.status_code == 200
    ws = load_workbook(BytesIO(download.content)).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[:3] == ["姓名", "身份证号", "您是否希望参加各类知识的学习？"]
    assert len(header) == 2 + survey.questions.count()
    ws.append(
        [cadre_a.name, cadre_a.id_number, "希望", "1", "1", "2", "2", "1", "1", "2", "1", "", "1", "", ""]
    )
    out = BytesIO()
    ws.parent.save(out)
    page = client.post(
        f"/surveys/{survey.pk}/import/", {"file": SimpleUploadedFile("t.xlsx", out.getvalue())}
    )
    assert "共 <strong>1</strong> 份答卷" in page.content.decode()


def test_it_refuses_the_import_to_outsiders(tree: Any, cast: Any, cadre_a: Any, client_for: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    assert (
        client_for(cast.community_a).post(f"/surveys/{survey.pk}/import/", {"file": xlsx([])}).status_code
        == 404
    )
    assert client_for(cast.community_z).get(f"/surveys/{survey.pk}/import/template.xlsx").status_code == 404
