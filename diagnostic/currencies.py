"""The currencies a firm may report its sales in (ISO 4217), and each country's own."""

from django.utils.translation import gettext_lazy as _

CURRENCIES = [
    ("MXN", _("Mexican peso (MXN)")),
    ("ARS", _("Argentine peso (ARS)")),
    ("BOB", _("Bolivian boliviano (BOB)")),
    ("BRL", _("Brazilian real (BRL)")),
    ("CLP", _("Chilean peso (CLP)")),
    ("COP", _("Colombian peso (COP)")),
    ("CRC", _("Costa Rican colón (CRC)")),
    ("DOP", _("Dominican peso (DOP)")),
    ("GTQ", _("Guatemalan quetzal (GTQ)")),
    ("HNL", _("Honduran lempira (HNL)")),
    ("NIO", _("Nicaraguan córdoba (NIO)")),
    ("PAB", _("Panamanian balboa (PAB)")),
    ("PEN", _("Peruvian sol (PEN)")),
    ("PYG", _("Paraguayan guaraní (PYG)")),
    ("UYU", _("Uruguayan peso (UYU)")),
    ("USD", _("US dollar (USD)")),
    ("EUR", _("Euro (EUR)")),
    ("GBP", _("Pound sterling (GBP)")),
    ("CAD", _("Canadian dollar (CAD)")),
    ("SGD", _("Singapore dollar (SGD)")),
]

COUNTRY_CURRENCY = {
    "MX": "MXN",
    "AR": "ARS",
    "BO": "BOB",
    "BR": "BRL",
    "CL": "CLP",
    "CO": "COP",
    "CR": "CRC",
    "DO": "DOP",
    "GT": "GTQ",
    "HN": "HNL",
    "NI": "NIO",
    "PA": "PAB",
    "PE": "PEN",
    "PY": "PYG",
    "UY": "UYU",
    "EC": "USD",
    "SV": "USD",
    "US": "USD",
    "PR": "USD",
    "ES": "EUR",
    "IE": "EUR",
    "DE": "EUR",
    "FR": "EUR",
    "IT": "EUR",
    "PT": "EUR",
    "NL": "EUR",
    "GB": "GBP",
    "CA": "CAD",
    "SG": "SGD",
}


def currency_for_country(country: str) -> str | None:
    return COUNTRY_CURRENCY.get(country.upper())
