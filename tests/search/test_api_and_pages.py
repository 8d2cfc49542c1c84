"""API (/api/v1/search/…) and pages (/cari/…): shapes, filters, facets, drafts, and hostile
input that must never give a 500."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    '"',
    "'",
    '"antrean',
    "antrean\"'",
    "AND OR NOT",
    "NEAR(antrean puskesmas)",
    "antrean*",
    "^puskesmas",
    "name:antrean",
    "-antrean",
    "(((",
    ")))",
    "{}[]",
    "a & b | !c <-> d",
    "'; DROP TABLE catalog_innovation; --",
    "\\",
    "%_%",
    "🙂🚑",
    "🙂 antrean 🚑",
    "ـ‏‮",
    "x" * 600,
    "antrean " * 300,
    "İstanbul ǅ ß ﬁ",
    "\x00antrean",
    "\t\n\r",
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_on_the_page(client, corpus, q):
    response = client.get(reverse("search:search"), {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_on_the_api(client, corpus, q):
    response = client.get("/api/v1/search/", {"q": q})
    assert response.status_code in (200, 422), response.content[:300]
    body = response.json()
    if response.status_code == 422:
        assert body["detail"] and body["errors"]
    else:
        assert "hits" in body


@pytest.mark.parametrize("q", HOSTILE[:22], ids=range(22))
def test_hostile_problems_on_the_match_page_and_api(client, corpus, q):
    page = client.get(reverse("search:match"), {"problem": q})
    assert page.status_code == 200
    api = client.post("/api/v1/search/match", {"problem": q}, content_type="application/json")
    assert api.status_code in (200, 422)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "antrean", "page": "abc"},
        {"q": "antrean", "page": "-5"},
        {"q": "antrean", "page": "99999999999"},
        {"q": "antrean", "sector": "nonexistent"},
        {"q": "antrean", "sdg": "x"},
        {"q": "antrean", "unit": "'"},
        {"q": "antrean", "region": "\x00"},
        {"q": "antrean", "agency": "\x00"},
    ],
)
def test_bad_parameters_never_500(client, corpus, params):
    assert client.get(reverse("search:search"), params).status_code == 200
    assert client.get("/api/v1/search/", params).status_code in (200, 422)


def test_search_page_shows_highlights_and_facets(client, corpus):
    response = client.get(reverse("search:search"), {"q": "antrian puskesmas"})
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<mark>" in html
    assert f'href="/inovasi/{corpus["regol"].slug}/"' in html
    assert 'id="facets-title"' in html
    # a facet link narrows the results
    narrowed = client.get(reverse("search:search"), {"q": "disabilitas", "sector": "social"})
    text = narrowed.content.decode()
    assert "BARIS DITEBAS" in text and "APDOL" not in text
    assert 'aria-current="true"' in text


def test_search_page_keeps_drafts_private(client, world):
    link = f'href="/inovasi/{world.draft.slug}/"'
    response = client.get(reverse("search:search"), {"q": "sheltered workshop"})
    assert link not in response.content.decode()
    client.force_login(world.officer)
    response = client.get(reverse("search:search"), {"q": "sheltered workshop"})
    assert link in response.content.decode()


def test_match_page(client, corpus):
    response = client.get(reverse("search:match"))
    assert response.status_code == 200
    response = client.get(
        reverse("search:match"),
        {"problem": "disabilitas sulit dapat kerja", "sector": "social", "unit_size": "small"},
    )
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Sheltered Workshop Peduli" in html
    assert "Why it matches" in html or "Mengapa" in html


def test_match_page_rejects_bad_choices_with_a_form_error(client, corpus):
    response = client.get(reverse("search:match"), {"problem": "antrean", "sector": "zzz"})
    assert response.status_code == 200
    assert "error-text" in response.content.decode()


def test_similar_fragment(client, corpus, world):
    response = client.get(reverse("search:similar", args=[corpus["regol"].slug]))
    assert response.status_code == 200
    assert "PUSTAKA" in response.content.decode()
    assert client.get(reverse("search:similar", args=["no-such-thing"])).status_code == 404
    # a draft's page does not exist for the public
    assert client.get(reverse("search:similar", args=[world.draft.slug])).status_code == 404


def test_duplicates_fragment(client, corpus):
    response = client.get(
        reverse("search:duplicates"),
        {"name": "Sheltered Workshop Peduli", "summary": "disabilitas intelektual bekerja"},
    )
    assert response.status_code == 200
    assert "Sheltered Workshop Peduli" in response.content.decode()
    empty = client.get(reverse("search:duplicates"), {"name": ""})
    assert empty.status_code == 200


def test_api_search(client, corpus):
    body = client.get(
        "/api/v1/search/", {"q": "akte kelahiran", "page_size": 5, "facets": "true"}
    ).json()
    assert body["hits"][0]["name"] == "Si Bulan"
    assert body["hits"][0]["url"].endswith(f"/{corpus['sibulan'].slug}/")
    assert "<mark>" in body["hits"][0]["snippet"]
    assert body["total"] >= 1 and body["page_size"] == 5
    assert {"sector", "stage", "status", "award", "agency"} <= set(body["facets"])
    no_facets = client.get("/api/v1/search/", {"q": "akta", "facets": "false"}).json()
    assert no_facets["facets"] == {}


def test_api_search_filters(client, corpus):
    body = client.get("/api/v1/search/", {"q": "disabilitas", "sector": "social"}).json()
    assert {h["name"] for h in body["hits"]} == {
        "Sheltered Workshop Peduli (SWP)",
        "BARIS DITEBAS",
    }


def test_api_search_page_size_limit(client, corpus):
    response = client.get("/api/v1/search/", {"q": "antrean", "page_size": 1000})
    assert response.status_code == 422
    assert response.json()["errors"]


def test_api_search_hides_drafts(client, world):
    body = client.get("/api/v1/search/", {"q": "sheltered workshop"}).json()
    assert all(h["publication_state"] == "published" for h in body["hits"])
    client.force_login(world.officer)
    body = client.get("/api/v1/search/", {"q": "sheltered workshop"}).json()
    assert "Sheltered Workshop Peduli" in {h["name"] for h in body["hits"]}


def test_api_match(client, corpus):
    response = client.post(
        "/api/v1/search/match",
        json.dumps({"problem": "antrean pasien puskesmas panjang", "sector": "health", "limit": 3}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["hits"]) <= 3
    hit = body["hits"][0]
    assert hit["name"] in {"Antrian Regol", "PUSTAKA"}
    assert hit["matched"] and hit["matched"][0]["sections"]
    assert "awards" in hit["evidence"] and "replicas" in hit["replication"]
    assert "same sector" in hit["context"]


def test_api_match_validation(client, corpus):
    response = client.post("/api/v1/search/match", {}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(
        "/api/v1/search/match", {"problem": "x" * 5000}, content_type="application/json"
    )
    assert response.status_code == 422


def test_nul_characters_never_500(client, corpus):
    assert client.get("/api/v1/search/similar/a%00b").status_code == 404
    response = client.post(
        "/api/v1/search/duplicates",
        {"name": "Antrian", "exclude": "a\x00b"},
        content_type="application/json",
    )
    assert response.status_code in (200, 422)
    assert (
        client.get(reverse("search:duplicates"), {"name": "a", "exclude": "\x00"}).status_code
        == 200
    )
    assert (
        client.get(reverse("search:match"), {"problem": "a\x00", "region": "\x00"}).status_code
        == 200
    )


def test_api_similar(client, corpus, world):
    body = client.get(f"/api/v1/search/similar/{corpus['regol'].slug}").json()
    assert body[0]["name"] == "PUSTAKA"
    assert client.get("/api/v1/search/similar/no-such-thing").status_code == 404
    assert client.get(f"/api/v1/search/similar/{world.draft.slug}").status_code == 404


def test_api_duplicates(client, corpus):
    response = client.post(
        "/api/v1/search/duplicates",
        {"name": "Antrian Regol", "problem": "antrean puskesmas panjang"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body[0]["slug"] == corpus["regol"].slug and body[0]["score"] > 0.6
    excluded = client.post(
        "/api/v1/search/duplicates",
        {"name": "Antrian Regol", "exclude": corpus["regol"].slug},
        content_type="application/json",
    ).json()
    assert corpus["regol"].slug not in {c["slug"] for c in excluded}


def test_openapi_lists_the_search_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/search/", "/api/v1/search/match", "/api/v1/search/duplicates"} <= set(paths)
