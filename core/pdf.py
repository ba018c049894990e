"""PDFs with WeasyPrint, which may read nothing but our own PDF assets (their style sheets)."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.template.loader import render_to_string
from django.utils import translation

ASSETS_DIR = (Path(__file__).resolve().parent / "pdf_assets").resolve()


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside our PDF assets."""


def _url_fetcher_class():
    # WeasyPrint takes half a second to import: only the processes that render pay for it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves files under ASSETS_DIR and refuses every other URL: no network, no file."""

        def __init__(self) -> None:
            super().__init__(timeout=2, allowed_protocols=("file",), allow_redirects=False)

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise RefusedURL(f"refused {url!r}: only our own PDF assets are read")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(ASSETS_DIR) or not path.is_file():
                raise RefusedURL(f"refused {url!r}: not one of our PDF assets")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return AssetFetcher


def asset_fetcher():
    return _url_fetcher_class()()


def render_pdf(template: str, context: dict, *, language: str) -> bytes:
    """Render a template to a tagged PDF (PDF/UA) in the given language."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    document = HTML(string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=asset_fetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
