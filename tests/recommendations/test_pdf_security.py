"""WeasyPrint reads nothing but our own PDF assets; user text stays text."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from core.pdf import ASSETS_DIR, RefusedURL, asset_fetcher
from recommendations.pdf import render_roadmap_pdf
from recommendations.presenters import roadmap_context
from recommendations.roadmap import Roadmap
from tests.recommendations.conftest import real_instrument, stored_result


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/logo.png",
        "ftp://example.org/file",
        "data:text/plain,hello",
        f"{ASSETS_DIR.as_uri()}/../../config/settings.py",
        f"{ASSETS_DIR.as_uri()}/missing.css",
        "file://evil.example/etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_our_assets(url):
    with pytest.raises(RefusedURL):
        asset_fetcher().fetch(url)


def test_the_fetcher_serves_our_stylesheet():
    response = asset_fetcher().fetch(f"{ASSETS_DIR.as_uri()}/roadmap.css")
    assert b"@page" in response.read()


def test_a_hostile_firm_name_is_printed_as_text_and_fetches_nothing(monkeypatch):
    fetched = []
    real_fetch = type(asset_fetcher()).fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(type(asset_fetcher()), "fetch", spy)
    name = '<link rel="attachment" href="file:///etc/passwd"><img src="http://127.0.0.1:9/x">Tienda'
    context = roadmap_context(
        instrument=real_instrument(),
        stored_result=stored_result({"sales_channels": ("social_media",)}),
        roadmap=Roadmap(actions=(), programmes=()),
        firm_name=name,
        day=date(2026, 11, 23),
        language="es",
    )
    pdf = render_roadmap_pdf(context, language="es", country="MX")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert 'rel="attachment"' in text  # printed, not obeyed
    assert not reader.attachments
    assert all(url.startswith(ASSETS_DIR.as_uri()) for url in fetched)
