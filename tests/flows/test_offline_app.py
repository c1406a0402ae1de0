"""The offline app's shell: an installable manifest and a worker that caches every file."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from accounts.roles import SURVEYOR
from flows.web.offline import SCRIPTS

pytestmark = pytest.mark.django_db


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", content[16:24])


def test_the_manifest_gives_the_png_icons_phones_install_from(client: Client):
    manifest = client.get("/survey/offline/manifest.webmanifest").json()

    assert (manifest["start_url"], manifest["display"]) == ("/survey/offline/", "standalone")
    pngs = [i for i in manifest["icons"] if i["type"] == "image/png"]
    assert [i["sizes"] for i in pngs] == ["192x192", "512x512"]
    for icon in pngs:
        content = Path(finders.find(icon["src"].removeprefix(settings.STATIC_URL))).read_bytes()
        side = int(icon["sizes"].split("x")[0])
        assert png_size(content) == (side, side)


def test_the_page_loads_its_scripts_in_order_and_the_worker_caches_them(client, make_user):
    client.force_login(make_user(SURVEYOR))
    page = client.get("/survey/offline/").content.decode()
    worker = client.get("/survey/offline/sw.js").content.decode()

    positions = [page.index(f"/static/{name}") for name in SCRIPTS]
    assert positions == sorted(positions)
    for name in (*SCRIPTS, "img/app-icon-192.png"):
        assert f'"/static/{name}"' in worker
