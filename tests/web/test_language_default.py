"""Pages are Indonesian unless the reader chose English, whatever the browser asks for."""

from django.conf import settings


def test_browser_language_does_not_override_indonesian_default(client, db, indonesian):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert b'<html lang="id"' in response.content


def test_language_switch_cookie_chooses_english(client, db, indonesian):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert b'<html lang="en"' in page.content


def test_preferred_language_of_signed_in_person(client, world, indonesian):
    world.officer.preferred_language = "en"
    world.officer.save()
    client.force_login(world.officer)
    assert client.get("/")["Content-Language"] == "en"


def test_api_honours_accept_language(client, db, indonesian):
    response = client.get("/api/v1/innovations/does-not-exist", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"
