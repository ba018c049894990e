"""Roadmap PDFs with WeasyPrint, which may read nothing but our own PDF assets."""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

ASSETS_DIR = (Path(__file__).resolve().parent / "pdf_assets").resolve()
# Countries that print on US Letter; everyone else gets A4.
LETTER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "CL", "CO", "VE", "PH", "CR", "DO", "GT", "HN", "NI", "PA", "PR", "SV", "BZ"}
)


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


def page_size_for(country: str | None) -> str:
    return "letter" if country in LETTER_COUNTRIES else "A4"


def qr_code_svg(url: str, title: str) -> SafeString:
    """The QR code of a link, as inline SVG whose title is its text alternative."""
    svg = segno.make(url, error="m").svg_inline(
        scale=3,
        dark="#000",
        light="#fff",
        title=title,  # segno escapes the title
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URL is encoded in the modules


def render_pdf(template: str, context: dict, *, language: str) -> bytes:
    """Render a template to a tagged PDF (PDF/UA) in the given language."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    document = HTML(string=html, base_url=ASSETS_DIR.as_uri() + "/", url_fetcher=asset_fetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")


def render_roadmap_pdf(context: dict, *, language: str, country: str | None) -> bytes:
    page_size = page_size_for(country)
    qr = ""
    if context.get("result_url"):
        with translation.override(language):
            qr = qr_code_svg(context["result_url"], _("QR code of the link to your result online"))
    return render_pdf(
        "recommendations/roadmap_pdf.html",
        {**context, "page_size": page_size, "qr_svg": qr},
        language=language,
    )
