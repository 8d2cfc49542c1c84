from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The demo sets and checks eight passwords per run; keep hashing cheap in these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def data_dir(settings, tmp_path):
    """A fresh data folder for the demo's accounts file."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids), whatever the Indonesian catalog says."""
    from django.utils import translation

    with translation.override("en"):
        yield
