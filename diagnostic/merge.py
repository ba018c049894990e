"""Two people saving the same questionnaire page: merge item by item, never lose an answer.

A page carries the fingerprints of its items' answers as they were when it was shown
("seen"). On save, each item is compared three ways: what the page showed, what is stored
now, and what this person sent.

- Nobody else changed it (stored = seen): this person's answer is saved.
- Only the other person changed it (sent = seen): theirs is kept.
- Both changed it to the same answer: nothing to do.
- Both changed it differently: a conflict; nothing is saved for that item, and the page is
  shown again with the other answer, for this person to decide.
"""

import hashlib
import json

EMPTY = "-"


def fingerprint(value: object, note: str = "") -> str:
    """A short, stable digest of one item's answer and note; EMPTY when it has neither."""
    if value is None and not note:
        return EMPTY
    if isinstance(value, tuple | list):
        value = sorted(value)
    text = json.dumps([value, note], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fingerprints(
    codes: list[str], answers: dict[str, object], notes: dict[str, str]
) -> dict[str, str]:
    return {code: fingerprint(answers.get(code), notes.get(code, "")) for code in codes}


def encode_seen(prints: dict[str, str]) -> str:
    return ";".join(f"{code}={value}" for code, value in prints.items())


def seen_for(codes: list[str], answers: dict[str, object], notes: dict[str, str]) -> str:
    """What a page sends back as "seen": the fingerprints of the answers it shows."""
    return encode_seen(fingerprints(codes, answers, notes))


def decode_seen(text: str | None) -> dict[str, str] | None:
    """The page's fingerprints; None when missing or malformed (then the save overwrites)."""
    if not text:
        return None
    seen: dict[str, str] = {}
    for part in text.split(";"):
        code, _sep, value = part.partition("=")
        if not code or not value:
            return None
        seen[code] = value
    return seen


def merge_page(
    *, seen: dict[str, str] | None, stored: dict[str, str], sent: dict[str, str]
) -> tuple[list[str], list[str]]:
    """(items to write, items in conflict), from the three fingerprints of each item."""
    to_write: list[str] = []
    conflicts: list[str] = []
    for code, mine in sent.items():
        current = stored.get(code, EMPTY)
        base = current if seen is None else seen.get(code, current)
        if mine == current:
            continue
        if current == base:
            to_write.append(code)
        elif mine != base:
            conflicts.append(code)
    return to_write, conflicts
