from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_docs_page(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_it_publishes_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "Jiujin" in schema["info"]["title"]
    assert "老干部" in schema["info"]["description"]
    assert set(schema["paths"]) == {
        "/api/v1/auth/token",
        "/api/v1/org-units",
        "/api/v1/cadres",
        "/api/v1/cadres/{cadre_id}",
        "/api/v1/cadres/{cadre_id}/events",
        "/api/v1/visit-tasks",
        "/api/v1/visit-tasks/{task_id}/records",
        "/api/v1/volunteers",
        "/api/v1/pairings",
        "/api/v1/pairings/{pairing_id}/end",
        "/api/v1/pairings/{pairing_id}/contacts",
        "/api/v1/service-requests",
        "/api/v1/service-requests/{request_id}/transitions",
        "/api/v1/cadres/{cadre_id}/health",
        "/api/v1/cadres/{cadre_id}/health/checkups",
        "/api/v1/cadres/{cadre_id}/health/conditions",
        "/api/v1/cadres/{cadre_id}/health/medications",
        "/api/v1/cadres/{cadre_id}/health/hospital-stays",
        "/api/v1/cadres/{cadre_id}/card.pdf",
        "/api/v1/cadres/{cadre_id}/plan",
        "/api/v1/events",
        "/api/v1/events/{event_id}",
        "/api/v1/events/{event_id}/signups",
        "/api/v1/events/{event_id}/check-ins",
        "/api/v1/opinions",
        "/api/v1/opinions/{opinion_id}",
        "/api/v1/opinions/{opinion_id}/reply",
        "/api/v1/opinions/{opinion_id}/rating",
        "/api/v1/contributions",
        "/api/v1/cadres/{cadre_id}/participation",
        "/api/v1/surveys",
        "/api/v1/surveys/{survey_id}",
        "/api/v1/surveys/{survey_id}/responses",
        "/api/v1/surveys/{survey_id}/results",
        "/api/v1/surveys/{survey_id}/paragraph",
        "/api/v1/pilots",
        "/api/v1/pilots/{pilot_id}/steps/{step}/done",
        "/api/v1/assessments",
        "/api/v1/assessments/{assessment_id}/allocate",
        "/api/v1/risk",
        "/api/v1/reports/ledgers.xlsx",
        "/api/v1/reports/work-report.docx",
        "/api/v1/dashboard",
    }
    assert set(schema["paths"]["/api/v1/cadres/{cadre_id}"]) == {"get", "patch"}
    assert set(schema["paths"]["/api/v1/cadres"]) == {"get", "post"}
