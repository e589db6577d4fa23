"""API of peer learning: public reads, writes for the authorised only, conflicts answer 409."""

import pytest
from django.test import Client

from sebaya.learning.models import ActionPlan, Adoption, AdoptionStage, LearningProgramme
from tests.learning.helpers import submit_plan, today

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _post(client, path, body):
    return client.post(API + path, data=body, content_type="application/json")


def test_reads_are_public(world, client):
    plan = submit_plan(world)
    programmes = client.get(f"{API}/programmes").json()
    assert programmes["count"] == 1
    assert programmes["results"][0]["organisers"][0]["name"] == world.organiser_org.name
    detail = client.get(f"{API}/programmes/{world.programme.slug}").json()
    assert detail["action_plans"] == 1
    assert {s["stage"]: s["count"] for s in detail["adoptions_by_stage"]}["minat"] == 1
    event = client.get(f"{API}/events/{world.event.pk}").json()
    assert event["featured"][0]["practice"]["slug"] == world.practice.slug
    assert event["participants"] == [
        {"slug": world.adopter_org.slug, "name": world.adopter_org.name, "kind": "pemda"}
    ]
    assert "user" not in str(event) and world.adopter.username not in str(event)
    plans = client.get(f"{API}/action-plans", {"programme": world.programme.slug}).json()
    assert plans["results"][0]["modification"] == plan.modification
    adoption = client.get(f"{API}/adoptions/{plan.adoption_id}").json()
    assert adoption["version"] == 1
    assert adoption["timeline"][0]["to_stage"] == "minat"


def test_unknown_ids_and_values_answer_in_the_error_format(world, client):
    assert client.get(f"{API}/programmes/tidak-ada").status_code == 404
    assert client.get(f"{API}/events/999999").status_code == 404
    assert client.get(f"{API}/adoptions/999999").status_code == 404
    answer = client.get(f"{API}/adoptions", {"stage": "lompat"})
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["field"] == "stage"


def test_writes_need_a_signed_in_user(world, client):
    adoption = submit_plan(world).adoption
    answer = _post(
        client,
        f"/adoptions/{adoption.pk}/stage-changes",
        {"to_stage": "studi_tiru", "date": today().isoformat(), "expected_version": 1},
    )
    assert answer.status_code == 401
    assert answer.json()["detail"][0]["message"]


def test_writes_with_a_session_need_the_csrf_token(world):
    adoption = submit_plan(world).adoption
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.adopter)
    answer = _post(
        client,
        f"/adoptions/{adoption.pk}/stage-changes",
        {"to_stage": "studi_tiru", "date": today().isoformat(), "expected_version": 1},
    )
    assert answer.status_code in (401, 403)
    assert Adoption.objects.get().stage == AdoptionStage.MINAT


def test_advancing_through_the_api(world, client):
    adoption = submit_plan(world).adoption
    path = f"/adoptions/{adoption.pk}/stage-changes"
    client.force_login(world.outsider)
    assert (
        _post(
            client,
            path,
            {"to_stage": "studi_tiru", "date": today().isoformat(), "expected_version": 1},
        ).status_code
        == 403
    )

    client.force_login(world.adopter)
    refused = _post(
        client,
        path,
        {"to_stage": "kesepakatan", "date": today().isoformat(), "expected_version": 1},
    )
    assert refused.status_code == 400
    assert refused.json()["detail"][0]["field"] == "evidence_kind"

    done = _post(
        client,
        path,
        {
            "to_stage": "kesepakatan",
            "date": today().isoformat(),
            "expected_version": 1,
            "evidence": [{"kind": "mou", "url": "https://contoh.go.id/mou.pdf", "title": "MoU"}],
        },
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["stage"] == "kesepakatan" and body["version"] == 2
    assert body["timeline"][-1]["evidence"][0]["url"] == "https://contoh.go.id/mou.pdf"

    stale = _post(
        client, path, {"to_stage": "adaptasi", "date": today().isoformat(), "expected_version": 1}
    )
    assert stale.status_code == 409
    assert "diubah orang lain" in stale.json()["detail"][0]["message"]


def test_creating_programme_event_and_action_plan_through_the_api(world, client):
    client.force_login(world.organiser)
    answer = _post(
        client,
        "/programmes",
        {"title": "Program API", "organisers": [world.organiser_org.slug], "focus_region": "61"},
    )
    assert answer.status_code == 200, answer.content
    slug = answer.json()["slug"]
    answer = _post(
        client,
        "/events",
        {
            "programme": slug,
            "kind": "webinar",
            "title": "Webinar",
            "starts_on": "2025-05-01",
            "online_url": "https://meet.contoh.id/x",
            "registration_open": True,
            "practices": [world.practice.slug],
        },
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["featured"][0]["presenter"]["slug"] == world.origin_org.slug

    client.force_login(world.adopter)
    forbidden = _post(
        client,
        "/programmes",
        {"title": "Bukan milik saya", "organisers": [world.organiser_org.slug]},
    )
    assert forbidden.status_code == 403
    assert not LearningProgramme.objects.filter(title="Bukan milik saya").exists()
    plan = _post(
        client,
        "/action-plans",
        {
            "organisation": world.adopter_org.slug,
            "practice": world.practice.slug,
            "event": world.event.pk,
            "modification": "Disesuaikan.",
            "rationale": "Perlu.",
            "responsible_unit": "Dinas Sosial",
        },
    )
    assert plan.status_code == 200, plan.content
    assert ActionPlan.objects.get().responsible_unit == "Dinas Sosial"
    missing = _post(
        client,
        "/action-plans",
        {
            "organisation": world.adopter_org.slug,
            "practice": world.practice.slug,
            "modification": "",
            "rationale": "",
            "responsible_unit": "",
        },
    )
    assert missing.status_code == 400
    assert {d["field"] for d in missing.json()["detail"]} >= {"modification", "rationale"}


def test_api_lists_run_the_same_queries_for_few_and_many_rows(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.accounts.factories import OrganisationFactory
    from tests.learning.factories import ActionPlanFactory
    from tests.regions.factories import RegionFactory

    def grow(start: int, n: int) -> list[int]:
        for i in range(start, start + n):
            ActionPlanFactory(
                programme=world.programme,
                innovation=world.practice,
                organisation=OrganisationFactory(region=RegionFactory(code=f"61.{60 + i}")),
            )
        counts = []
        for path in ("/programmes", "/events", "/action-plans", "/adoptions"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(API + path).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    few = grow(0, 2)
    assert grow(2, 10) == few


def test_a_token_with_the_adoptions_scope_advances_an_adoption(world):
    from sebaya.accounts.models import TokenScope
    from sebaya.accounts.tokens import token_create

    adoption = submit_plan(world).adoption
    path = f"{API}/adoptions/{adoption.pk}/stage-changes"
    body = {"to_stage": "studi_tiru", "date": today().isoformat(), "expected_version": 1}
    client = Client(enforce_csrf_checks=True)  # a script: no session, no CSRF token

    _t, practices_only = token_create(
        user=world.adopter, name="praktik", scopes=[TokenScope.PRACTICES_WRITE]
    )
    wrong_scope = client.post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {practices_only}"
    )
    assert wrong_scope.status_code == 403

    _t, outsider = token_create(
        user=world.outsider, name="luar", scopes=[TokenScope.ADOPTIONS_WRITE]
    )
    denied = client.post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {outsider}"
    )
    assert denied.status_code == 403  # the scope is there; the policy still says no

    _t, raw = token_create(user=world.adopter, name="adopsi", scopes=[TokenScope.ADOPTIONS_WRITE])
    done = client.post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert done.status_code == 200, done.content
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.STUDI_TIRU and adoption.version == 2
    assert adoption.stage_changes.last().changed_by == world.adopter
