"""Spreadsheet cells that are never run as formulas (OWASP's CSV injection advice).

Every CSV or workbook cell we write from data goes through `neutralise`; files read back
(a catalogue, an import of our own export) go through `restore`.
"""

from typing import Any

# A cell starting with one of these is run as a formula by some spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value: Any) -> str:
    """A cell as text that no spreadsheet runs as a formula: a quote goes before it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(cell: str) -> str:
    """A cell read back as it was before `neutralise` protected it, without its spaces."""
    cell = cell.strip()
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
