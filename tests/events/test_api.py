"""The events API: the same rules as the pages, JSON errors, nothing 500s on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lumbung.events import services
from lumbung.events.models import Event, Intent, Registration
from lumbung.replication.models import Commitment, ReplicationProject

from .conftest import JsonClient, error_body, register

pytestmark = pytest.mark.django_db


def _due() -> str:
    return (timezone.localdate() + dt.timedelta(days=60)).isoformat()


def test_create_an_event_and_invite_a_subtree(ev, sub_units):
    dg, sentra, _office = sub_units
    api = JsonClient(ev.officer)
    start = timezone.now() + dt.timedelta(days=10)
    response = api.post(
        "/events",
        {
            "host_unit": ev.unit.pk,
            "title": "Pembelajaran SWP",
            "title_en": "SWP learning event",
            "showcased": [ev.published.slug],
            "programme": ev.programme.slug,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=5)).isoformat(),
            "venue": "Temanggung",
            "capacity": 60,
            "facilitators": [ev.facilitator.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["host_unit"]["id"] == ev.unit.pk and body["programme"] == ev.programme.slug
    assert body["publication_state"] == "draft" and body["can_manage"] is True
    slug = body["slug"]
    response = api.post(
        f"/events/{slug}/invitations",
        {"under": dg.pk, "kinds": ["sentra"], "partners": [ev.partner.pk]},
    )
    assert response.json() == {"units": 3, "partners": 1, "invited": 4, "host_left_out": None}
    listed = api.get(f"/events/{slug}/invitations").json()
    assert {i["unit"]["id"] for i in listed if i["unit"]} == {s.pk for s in sentra}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"showcased": []}, "showcased"),
        ({"showcased": ["tidak-ada"]}, "showcased"),
        ({"host_unit": 10**12}, "host_unit"),
        ({"starts_at": "kemarin"}, "starts_at"),
        ({"capacity": 0}, "capacity"),
        ({"programme": "tidak-ada"}, "programme"),
        ({"venue": "", "online_url": ""}, "venue"),
        ({"online_url": "ftp://x"}, "online_url"),
        ({"surprise": 1}, "surprise"),
        ({"title": "a\x00b"}, "title"),
    ],
)
def test_bad_event_input_is_a_422_with_field_errors(ev, body, field):
    start = timezone.now() + dt.timedelta(days=1)
    payload = {
        "host_unit": ev.unit.pk,
        "title": "Acara",
        "showcased": [ev.published.slug],
        "starts_at": start.isoformat(),
        "venue": "Aula",
        **body,
    }
    result = error_body(JsonClient(ev.officer).post("/events", payload), 422)
    assert field in [e["field"] for e in result["errors"]], result


def test_malformed_json_and_unknown_things(ev):
    api = JsonClient(ev.officer)
    assert error_body(api.post("/events", "{not json"), 400)
    assert error_body(api.get("/events/tidak-ada"), 404)
    assert error_body(
        api.post(f"/events/{ev.event.slug}/attendance", {"registrations": ["x"]}), 422
    )
    assert error_body(api.get(f"/events/{ev.event.slug}/registrations/1"), 405)
    assert error_body(api.delete(f"/events/{ev.event.slug}/registrations/999"), 404)
    assert error_body(api.delete(f"/events/{ev.event.slug}/invitations/abc"), 404)


def test_anonymous_writes_are_401(ev):
    ev.event.publication_state = Event.State.PUBLISHED
    ev.event.save()
    assert error_body(
        JsonClient().post(f"/events/{ev.event.slug}/attendance", {"registrations": [1]}), 401
    )


def test_registration_over_capacity_through_the_api(ev):
    api = JsonClient(ev.sibling_officer)
    path = f"/events/{ev.event.slug}/registrations"
    ok = api.post(
        path,
        {
            "unit": ev.sibling_unit.pk,
            "attendees": [
                {"name": "Ani", "position": "Instruktur", "accessibility_needs": "Kursi roda"},
                {"name": "Budi"},
                {"name": "Citra"},
            ],
        },
    )
    assert ok.status_code == 201, ok.content
    assert [r["name"] for r in ok.json()] == ["Ani", "Budi", "Citra"]
    full = error_body(
        api.post(path, {"unit": ev.sibling_unit.pk, "attendees": [{"name": "D"}, {"name": "E"}]}),
        422,
    )
    assert full["detail"] == "Only 1 place is left; nobody was registered."
    # another unit's officer may not register for this unit, nor see its people
    other = JsonClient(ev.other_officer)
    assert error_body(
        other.post(path, {"unit": ev.sibling_unit.pk, "attendees": [{"name": "X"}]}), 403
    )
    mine = other.get(path).json()
    assert mine == []
    assert error_body(JsonClient(ev.nobody).get(path), 404)  # a draft: not even visible


def test_attendance_bulk_idempotent_and_atomic(ev):
    a, b, c = register(ev.event, ev.inv_sibling, "A", "B", "C")
    api = JsonClient(ev.facilitator)
    path = f"/events/{ev.event.slug}/attendance"
    first = api.post(path, {"registrations": [a.pk, b.pk]}).json()
    assert first == {"checked_in": [a.pk, b.pk], "already": [], "attended": 2, "registered": 3}
    again = api.post(path, {"registrations": [a.pk, c.pk]}).json()
    assert again == {"checked_in": [c.pk], "already": [a.pk], "attended": 3, "registered": 3}
    services.attendance_undo(actor=ev.officer, registration=c)
    bad = error_body(api.post(path, {"registrations": [c.pk, 999_999]}), 422)
    assert bad["errors"][0]["field"] == "registrations"
    assert Registration.objects.get(pk=c.pk).checked_in_at is None
    assert error_body(JsonClient(ev.sibling_officer).post(path, {"registrations": [c.pk]}), 403)


def test_intents_through_the_api_create_commitments_and_projects(ev):
    api = JsonClient(ev.sibling_officer)
    path = f"/events/{ev.event.slug}/intents"
    response = api.post(
        path,
        {
            "unit": ev.sibling_unit.pk,
            "items": [
                {
                    "innovation": ev.published.slug,
                    "decision": "modify",
                    "due_date": _due(),
                    "start_project": True,
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    (item,) = response.json()
    assert item["decision"] == "modify" and item["project_stage"] == "preparation"
    assert Commitment.objects.get(pk=item["commitment"]).origin == "event"
    assert ReplicationProject.objects.get(pk=item["project"]).declared_form == "modification"
    # the unit sees its own; another unit sees none of it; the managers see all
    assert len(api.get(path).json()) == 1
    assert JsonClient(ev.other_officer).get(path).json() == []
    assert len(JsonClient(ev.manager).get(path).json()) == 1
    # the host's officer may not record for another unit
    denied = JsonClient(ev.officer).post(
        path,
        {
            "unit": ev.sibling_unit.pk,
            "items": [{"innovation": ev.published.slug, "decision": "not_now"}],
        },
    )
    assert error_body(denied, 403)


def test_intent_errors_are_422_and_change_nothing(ev):
    api = JsonClient(ev.sibling_officer)
    path = f"/events/{ev.event.slug}/intents"
    for items in (
        [{"innovation": ev.published.slug, "decision": "adopt"}],  # no due date
        [{"innovation": "bukan-pameran", "decision": "adopt", "due_date": _due()}],
        [{"innovation": ev.published.slug, "decision": "mungkin", "due_date": _due()}],
        [{"innovation": ev.published.slug, "decision": "adopt", "due_date": "2030-13-01"}],
    ):
        error_body(api.post(path, {"unit": ev.sibling_unit.pk, "items": items}), 422)
    error_body(
        api.post(
            path,
            {"unit": 10**9, "items": [{"innovation": ev.published.slug, "decision": "not_now"}]},
        ),
        422,
    )
    assert not Intent.objects.exists() and not Commitment.objects.exists()


def test_testimonials_public_ones_without_speakers(ev):
    services.testimonial_add(
        actor=ev.officer,
        event=ev.event,
        speaker="Ibu Sri",
        group="SWP",
        text="Publik",
        is_public=True,
    )
    services.testimonial_add(actor=ev.officer, event=ev.event, speaker="Pak Joko", text="Internal")
    services.event_publish(actor=ev.officer, event=ev.event)
    public = JsonClient().get(f"/events/{ev.event.slug}/testimonials").json()
    assert public == [
        {
            "id": public[0]["id"],
            "group": "SWP",
            "text": "Publik",
            "text_en": "",
            "speaker": None,
            "is_public": None,
        }
    ]
    internal = JsonClient(ev.officer).get(f"/events/{ev.event.slug}/testimonials").json()
    assert {t["speaker"] for t in internal} == {"Ibu Sri", "Pak Joko"}
    response = JsonClient(ev.facilitator).post(
        f"/events/{ev.event.slug}/testimonials",
        {"speaker": "Mitra", "text": "Kami mendukung.", "partner": ev.partner.pk},
    )
    assert response.status_code == 201 and response.json()["group"] == ev.partner.name


def test_public_event_has_no_attendee_data(ev):
    register(ev.event, ev.inv_sibling, "Rahasia Namanya")
    Registration.objects.update(accessibility_needs="Kursi roda khusus")
    services.event_publish(actor=ev.officer, event=ev.event)
    response = JsonClient().get(f"/events/{ev.event.slug}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Rahasia" not in text and "Kursi roda" not in text
    body = response.json()
    assert body["capacity"] is None and body["can_manage"] is False
    assert body["partners"] == [{"id": ev.partner.pk, "name": ev.partner.name}]
    listed = JsonClient().get("/events").json()
    assert [e["slug"] for e in listed["items"]] == [ev.event.slug]
    assert error_body(JsonClient().get(f"/events/{ev.event.slug}/registrations"), 403)
    assert error_body(JsonClient().get(f"/events/{ev.event.slug}/report"), 403)


def test_my_events_include_drafts_i_am_invited_to(ev):
    mine = JsonClient(ev.sibling_officer).get("/events", mine="true").json()
    assert [e["slug"] for e in mine["items"]] == [ev.event.slug]
    assert JsonClient(ev.nobody).get("/events", mine="true").json()["count"] == 0
    assert JsonClient().get("/events").json()["count"] == 0  # a draft is not public
    error_body(JsonClient().get("/events", when="someday"), 422)


def test_report_through_the_api(ev):
    a, _b = register(ev.event, ev.inv_sibling, "A", "B")
    register(ev.event, ev.inv_partner, "Mitra")
    services.attendance_check_in(actor=ev.officer, event=ev.event, registrations=[a])
    services.intent_record(
        actor=ev.sibling_officer,
        event=ev.event,
        unit=ev.sibling_unit,
        innovation=ev.published,
        decision="adopt",
        due_date=_due(),
        start_project=True,
    )
    report = JsonClient(ev.manager).get(f"/events/{ev.event.slug}/report").json()
    assert report["invited_units"] == 2 and report["invited_partners"] == 1
    assert (report["registered"], report["attended"], report["attending_units"]) == (3, 1, 1)
    assert (report["commitments"], report["projects"]) == (1, 1)
    assert report["decisions"] == {"adopt": 1, "adapt": 0, "modify": 0, "not_now": 0}
    assert error_body(JsonClient(ev.sibling_officer).get(f"/events/{ev.event.slug}/report"), 403)


def test_update_and_publish_through_the_api(ev):
    api = JsonClient(ev.facilitator)
    path = f"/events/{ev.event.slug}"
    response = api.patch(path, {"capacity": 50, "summary_en": "English summary"})
    assert response.status_code == 200 and response.json()["capacity"] == 50
    error_body(api.patch(path, {"title": None}), 422)
    error_body(api.patch(path, {"ends_at": "2000-01-01T00:00:00"}), 422)
    error_body(JsonClient(ev.sibling_officer).patch(path, {"capacity": 5}), 403)
    published = api.post(f"{path}/publish", {"publish": True}).json()
    assert published["publication_state"] == "published"
    assert JsonClient().get(path).status_code == 200


def test_openapi_lists_the_event_endpoints(db):
    schema = JsonClient().get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/events/{slug}/registrations",
        "/api/v1/events/{slug}/attendance",
        "/api/v1/events/{slug}/intents",
        "/api/v1/events/{slug}/report",
    ):
        assert path in paths, sorted(paths)


# --- nothing 500s on bad input --------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "unit": _json,
        "invitation": _json,
        "attendees": _json,
        "registrations": _json,
        "items": _json,
        "speaker": _json,
        "text": _json,
        "capacity": _json,
        "starts_at": _json,
        "showcased": _json,
        "partners": _json,
        "under": _json,
    },
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=_json | _fields,
    endpoint=st.sampled_from(
        ["registrations", "attendance", "intents", "testimonials", "invitations", "publish", ""]
    ),
)
def test_random_bodies_never_500(ev, body, endpoint):
    api = JsonClient(ev.officer)
    path = f"/events/{ev.event.slug}/{endpoint}".rstrip("/")
    response = api.patch(path, body) if endpoint == "" else api.post(path, body)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"detail", "errors"}
