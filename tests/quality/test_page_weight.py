"""Page weight: what a phone downloads for a page, gzip-compressed as the server sends it.

A page's weight is its HTML plus every stylesheet, script and image it loads (and what the
stylesheets, JavaScript modules and web app manifest load in turn), each compressed with gzip
at the level WhiteNoise uses. A questionnaire page, which an owner on a slow connection opens
first, may weigh 20 KB; any other page type 100 KB.
"""

import gzip
import json
import posixpath
import re
import subprocess
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

QUESTIONNAIRE_BUDGET = 20 * 1024
PAGE_BUDGET = 100 * 1024
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
MODULE_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^"';]*?from\s+["']([^"']+)["']""", re.M)


class _Assets(HTMLParser):
    """The addresses of the files a page loads."""

    LINKS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and self.LINKS & set(values.get("rel", "").split()):
            self.urls.append(values.get("href", ""))
        if tag in ("script", "img", "source", "input", "iframe", "embed") and values.get("src"):
            self.urls.append(values["src"])
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append(candidate.split()[0])
        if tag in ("image", "use", "video") and (values.get("href") or values.get("poster")):
            self.urls.append(values.get("href") or values["poster"])


def compressed_size(content: bytes) -> int:
    return min(len(content), len(gzip.compress(content, compresslevel=9)))


def static_file(url: str) -> bytes:
    """A file the page loads from our static files (or the field app's manifest, which a
    view writes in the page's language); anything else fails the page."""
    if url.endswith(".webmanifest"):
        response = Client().get(url)
        assert response.status_code == 200, f"{url} is missing"
        return response.content
    assert url.startswith(settings.STATIC_URL), f"{url} is not one of our static files"
    found = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0].split("#")[0])
    assert found, f"{url} is missing"
    with open(found, "rb") as file:
        return file.read()


def assets_of(html: str) -> dict[str, bytes]:
    """Every file the page loads, by address, the stylesheets' own imports, fonts and images
    included; inline `data:` images are part of the file that holds them."""
    parser = _Assets()
    parser.feed(html)
    waiting = [url for url in parser.urls if not url.startswith("data:")]
    files: dict[str, bytes] = {}
    while waiting:
        url = waiting.pop()
        if url in files:
            continue
        files[url] = static_file(url)
        if url.endswith(".webmanifest"):
            waiting.extend(icon["src"] for icon in json.loads(files[url])["icons"])
        if url.endswith(".js"):
            for found in MODULE_IMPORT.finditer(files[url].decode("utf-8")):
                waiting.append(posixpath.normpath(posixpath.join(posixpath.dirname(url), found[1])))
        if url.endswith(".css"):
            for found in CSS_URL.finditer(files[url].decode("utf-8")):
                target = found.group(1) or found.group(2)
                if not target.startswith("data:"):
                    waiting.append(
                        posixpath.normpath(posixpath.join(posixpath.dirname(url), target))
                    )
    return files


def test_every_page_type_is_within_its_weight_budget(site_pages):
    problems = []
    for page in site_pages:
        files = assets_of(page.html)
        sizes = {url: compressed_size(content) for url, content in files.items()}
        weight = compressed_size(page.html.encode("utf-8")) + sum(sizes.values())
        budget = QUESTIONNAIRE_BUDGET if page.questionnaire else PAGE_BUDGET
        if weight > budget:
            parts = ", ".join(f"{url} {size / 1024:.1f} KB" for url, size in sizes.items())
            problems.append(
                f"{page.label}: {weight / 1024:.1f} KB > {budget / 1024:.0f} KB "
                f"(HTML {compressed_size(page.html.encode()) / 1024:.1f} KB, {parts})"
            )
    assert not problems, "pages over their weight budget:\n" + "\n".join(problems)
    assert sum(page.questionnaire for page in site_pages) >= 12


def test_a_page_weighs_its_html_and_every_file_it_loads():
    html = (
        '<link rel="stylesheet" href="/static/css/app.css">'
        '<script src="/static/js/app.js" defer></script><img src="data:image/png;base64,AA">'
    )
    assert set(assets_of(html)) == {"/static/css/app.css", "/static/js/app.js"}


def test_the_field_apps_weight_counts_its_modules_and_its_manifests_icons():
    html = (
        '<link rel="manifest" href="/es/desk/field/app/manifest.webmanifest">'
        '<script type="module" src="/static/field/app/app.js"></script>'
    )
    files = set(assets_of(html))
    assert {"/static/field/app/store.js", "/static/field/rules/fraction.js"} <= files
    assert "/static/field/icon-512.png" in files


def test_the_cut_down_bootstrap_keeps_every_rule_the_pages_use(tmp_path):
    """static/css/bootstrap.purged.css is what `make css` makes of today's templates and code."""
    subprocess.run([settings.BASE_DIR / "scripts" / "purge-css", tmp_path], check=True)
    fresh = (tmp_path / "bootstrap.purged.css").read_text()
    committed = (settings.BASE_DIR / "static" / "css" / "bootstrap.purged.css").read_text()
    assert fresh == committed, "static/css/bootstrap.purged.css is out of date: run `make css`"


def test_pages_are_sent_compressed_to_a_browser_that_accepts_it(client):
    response = client.get("/es/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.content)
    assert "Content-Encoding" not in client.get("/es/")
