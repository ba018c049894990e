"""The roadmap PDF: its paper size and the QR code of the result's link."""

import segno
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.pdf import render_pdf

# Countries that print on US Letter; everyone else gets A4.
LETTER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "CL", "CO", "VE", "PH", "CR", "DO", "GT", "HN", "NI", "PA", "PR", "SV", "BZ"}
)


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
