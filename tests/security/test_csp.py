"""The Content-Security-Policy without a browser: every HTML page of the main pages (public,
signed-in, management, admin, errors) carries the header, its scripts from this site only (no
'unsafe-inline', no 'unsafe-eval'); a response with a policy of its own (a served upload, an
import's file) keeps it; and no template holds what the policy would block (an inline script
with code, an on*= handler, a javascript: address, an inline style)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import lumbung
from lumbung.core.files.responses import SANDBOX_POLICY
from lumbung.core.imports.models import ImportJob
from lumbung.events import services as event_services

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(  # a real 1×1 grey PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a4944415478da6368000000820081da45083b0000000049454e44ae426082"
)
TEMPLATES = sorted(Path(lumbung.__file__).resolve().parent.glob("**/templates/**/*.html"))


def directives(header: str) -> dict[str, list[str]]:
    """``"a x y; b z"`` → ``{"a": ["x", "y"], "b": ["z"]}``."""
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed


def assert_strict(path: str, response) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"{path}: no Content-Security-Policy"
    policy = directives(header)
    assert policy["script-src"] == ["'self'"], (path, header)
    for directive in ("default-src", "style-src", "base-uri", "form-action"):
        assert policy[directive] == ["'self'"], (path, directive, header)
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], header
    assert set(policy["img-src"]) == {"'self'", "data:"}, header
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, (path, header)
    assert not any(
        s == "*" or s.startswith(("http:", "https:")) for v in policy.values() for s in v
    ), (path, header)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _html_pages(client: Client, paths: list[str]) -> int:
    checked = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        if response["Content-Type"].startswith("text/html"):
            assert_strict(path, response)
            checked += 1
    return checked


def test_every_main_html_page_carries_the_strict_policy(world):
    public = [
        "/",
        "/inovasi/",
        f"/inovasi/?agency={world.agency.slug}&sort=newest",
        f"/inovasi/{world.published.slug}/",
        "/cari/?q=layanan",
        "/cari/masalah/?problem=antrean+panjang",
        "/instansi/",
        f"/instansi/{world.agency.slug}/",
        "/acara/",
        "/kompetisi/",
        "/replikasi/program/",
        "/wawasan/",
        "/wawasan/indeks/",
        f"/wawasan/difusi/{world.published.slug}/",
        "/accounts/login/",
        "/api/v1/docs",
        "/tidak-ada-halaman-ini/",  # the 404 page
        f"/inovasi/{world.draft.slug}/",  # a draft: 404 for the public
    ]
    officer = [
        "/ruang-kerja/",
        f"/ruang-kerja/inovasi/{world.draft.slug}/",
        f"/ruang-kerja/inovasi/{world.draft.slug}/ubah/",
        f"/hasil/{world.published.slug}/",
        "/notifikasi/",
        "/akun/profil/",
        "/replikasi/",
        "/kelola/",  # refused: the 403 page
    ]
    admin = ["/kelola/", f"/kelola/instansi/{world.agency.slug}/", "/impor/", "/tinjauan/"]
    root = [
        "/admin/",
        "/admin/catalog/innovation/",
        f"/admin/catalog/innovation/{world.published.pk}/change/",
        "/admin/organisations/agency/add/",
    ]
    checked = _html_pages(_client(), public)
    checked += _html_pages(_client(world.officer), officer)
    checked += _html_pages(_client(world.admin), admin)
    checked += _html_pages(_client(world.platform_admin), root)
    assert checked == len(public) + len(officer) + len(admin) + len(root)
    assert _client(world.officer).get("/kelola/").status_code == 403


def test_a_response_with_its_own_policy_keeps_it(world):
    # a served upload: sandboxed, loads nothing (core.files.responses)
    start = timezone.now() + dt.timedelta(days=2)
    event = event_services.event_create(
        actor=world.officer,
        host_unit=world.unit,
        title="Pembelajaran Baris Ditebas",
        summary="Sentra memperagakan pelatihan barista.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=5),
        showcased=[world.published],
        venue="Aula Sentra",
    )
    material = event_services.material_add(
        actor=world.officer,
        event=event,
        kind="photo",
        title="Pameran",
        description="Meja pameran produk kafe",
        upload=SimpleUploadedFile("p.png", PNG),
        is_public=True,
    )
    response = _client(world.officer).get(f"/acara/{event.slug}/materi/{material.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == SANDBOX_POLICY

    # an import's uploaded file, given back to the person who uploaded it
    job = ImportJob.objects.create(
        kind="units", filename="unit.csv", content=b"a,b\n", size=4, created_by=world.admin
    )
    response = _client(world.admin).get(f"/impor/{job.pk}/berkas/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox")


# --- the templates hold nothing the policy blocks ------------------------------------------------

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
#: an attribute inside a tag: `<a … onclick="…"`, `<div … style="…"`
HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*?\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript\s*:", re.IGNORECASE)


COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)


def forbidden(text: str) -> list[str]:
    """What in a template's text the policy would block (its template comments aside)."""
    text = COMMENT.sub("", text)
    problems = []
    for attributes, body in SCRIPT.findall(text):
        if "src=" in attributes.replace(" ", ""):
            if body.strip():
                problems.append("a script with both a source and code")
        elif not re.search(r"type\s*=\s*[\"']application/(ld\+)?json[\"']", attributes):
            problems.append(f"an inline script: {body.strip()[:60]!r}")
    for pattern, what in (
        (HANDLER, "an on*= event handler"),
        (STYLE_ATTRIBUTE, "a style attribute"),
        (STYLE_ELEMENT, "a <style> element"),
        (JAVASCRIPT_URL, "a javascript: address"),
    ):
        if match := pattern.search(text):
            problems.append(f"{what}: {match.group(0)[:60]!r}")
    return problems


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">\n  go();\n</script>',
        '<button type="button" onclick="go()">Go</button>',
        '<body onload="go()">',
        '<div class="bar" style="width: 40%">',
        "<style>.x { color: red }</style>",
        '<a href="javascript:go()">Go</a>',
        '<script src="/static/x.js">go()</script>',
    ],
)
def test_the_check_finds_what_the_policy_blocks(text):
    assert forbidden(text)


@pytest.mark.parametrize(
    "text",
    [
        "<script src=\"{% static 'web/lumbung.js' %}\" defer></script>",
        '<script type="application/json" id="settings">{"a": 1}</script>',
        '<form method="post" action="{% url \'x\' %}" novalidate>',
        '<svg role="img"><rect x="0" width="40" class="bar"></rect></svg>',
        "<p>Mention of onset=and styles= in words</p>",
        "{# no <style> element, no onclick= here #}<p>x</p>",
    ],
)
def test_the_check_lets_allowed_markup_pass(text):
    assert not forbidden(text)


def test_no_template_holds_inline_code_or_styles():
    assert len(TEMPLATES) > 100  # the product's templates were found
    problems = {
        str(path.relative_to(Path(lumbung.__file__).resolve().parent)): found
        for path in TEMPLATES
        if (found := forbidden(path.read_text(encoding="utf-8")))
    }
    assert not problems, problems
