"""The field app's page, service worker and manifest as the server hands them out; what the
app does with them is the browser journey's (tests/browser/test_field_journey.py)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

from field import shell

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def config_of(response) -> dict:
    found = re.search(
        r'<script id="field-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "the page carries the app's settings"
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("language", "title", "stage_e"),
    [("es", "Sus negocios", "Negocio en sus inicios digitales"), ("en", "Your firms", None)],
)
def test_a_consultant_gets_the_app_in_their_language(world, language, title, stage_e):
    response = signed_in(world.ana).get(f"/{language}/desk/field/app/")
    assert response.status_code == 200
    config = config_of(response)
    assert config["language"] == language
    assert config["texts"]["firms"] == title
    if stage_e:
        assert config["texts"]["stages"]["E"] == stage_e
    assert config["urls"]["bundle"] == f"/{language}/desk/field/bundle.json"
    assert config["urls"]["service_worker"] == f"/{language}/desk/field/app/sw.js"
    # The same page for every consultant: nothing of theirs, no token, for one cached copy.
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "Bacanora" not in response.content.decode()


def test_without_javascript_the_page_says_what_to_use_instead(world):
    page = signed_in(world.ana).get("/es/desk/field/app/").content.decode()
    noscript = page[page.index("<noscript>") : page.index("</noscript>")]
    assert 'href="/es/desk/"' in noscript
    with translation.override("es"):
        assert f'href="{reverse("diagnostic:paper_questionnaire")}"' in noscript


def test_only_consultants_get_the_app(world):
    assert signed_in(world.carlos).get("/es/desk/field/app/").status_code == 404
    assert signed_in(world.maria).get("/es/desk/field/app/").status_code == 404
    response = Client().get("/es/desk/field/app/")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/accounts/login/")


def settings_of(script: str) -> dict:
    found = re.search(r"^const SETTINGS = (.*);$", script, re.M)
    assert found
    return json.loads(found.group(1))


def test_the_service_worker_keeps_the_page_and_every_file_the_app_loads(world):
    response = Client().get("/es/desk/field/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    settings = settings_of(response.content.decode())
    assert settings["shell"] == "/es/desk/field/app/"
    precache = settings["precache"]
    assert precache[:2] == ["/es/desk/field/app/", "/es/desk/field/app/manifest.webmanifest"]
    for path in (*shell.MODULES, *shell.FILES):
        assert f"/static/{path}" in precache
        assert finders.find(path), path
    # Every module the app imports is kept, or the app would not start offline.
    for path in shell.MODULES:
        source = Path(finders.find(path)).read_text(encoding="utf-8")
        folder = path.rsplit("/", 1)[0]
        for imported in re.findall(r'from "(\.\.?/[^"]+)"', source):
            parts = f"{folder}/{imported}".split("/")
            resolved: list[str] = []
            for part in parts:
                if part == "..":
                    resolved.pop()
                elif part != ".":
                    resolved.append(part)
            assert "/".join(resolved) in shell.MODULES, f"{path} imports {imported}"
    # The page the app loads uses exactly these files.
    page = signed_in(world.ana).get("/es/desk/field/app/").content.decode()
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        assert url in precache


def test_each_language_has_its_own_service_worker_and_a_change_makes_a_new_version(world):
    spanish = settings_of(Client().get("/es/desk/field/app/sw.js").content.decode())
    english = settings_of(Client().get("/en/desk/field/app/sw.js").content.decode())
    assert spanish["version"].startswith("es-")
    assert english["version"].startswith("en-")
    assert spanish["shell"] != english["shell"]
    assert shell.shell_version("a page") != shell.shell_version("another page")


def test_the_manifest_makes_the_app_installable_in_its_language(world):
    response = Client().get("/en/desk/field/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == "/en/desk/field/app/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "en"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    spanish = Client().get("/es/desk/field/app/manifest.webmanifest").json()
    assert spanish["name"] != manifest["name"]


def test_logging_out_tells_the_browser_to_erase_the_apps_data(world):
    client = signed_in(world.ana)
    response = client.post("/es/accounts/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/es/desk/field/bundle.json").status_code == 403


def test_the_desk_offers_the_app_to_consultants_only(world):
    assert "/es/desk/field/app/" in signed_in(world.ana).get("/es/desk/").content.decode()
    assert "/es/desk/field/app/" not in signed_in(world.carlos).get("/es/desk/").content.decode()
