"""Every model is in the Django admin; the audit history there is read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db

APPS = ("organisations", "catalog", "core")


@pytest.mark.parametrize(
    "model",
    [m for label in APPS for m in apps.get_app_config(label).get_models()],
    ids=lambda m: m._meta.label,
)
def test_model_is_registered_and_its_list_opens(client, world, login, model):
    assert admin.site.is_registered(model)
    login(world.platform_admin)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert client.get(url).status_code == 200


def test_innovation_change_page_opens(client, world, login):
    login(world.platform_admin)
    response = client.get(f"/admin/catalog/innovation/{world.draft.pk}/change/")
    assert response.status_code == 200


def test_audit_entries_are_read_only(client, world, login):
    from lumbung.core.models import AuditEntry

    login(world.platform_admin)
    entry = AuditEntry.objects.first()
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    response = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert (
        client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_needs_staff(client, world, login):
    login(world.admin)
    assert client.get("/admin/catalog/innovation/").status_code == 302
