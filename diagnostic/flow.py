"""The questionnaire's steps: the firm profile, then one page per block of the instrument."""

from dataclasses import dataclass

from .instrument import Instrument

PROFILE = "profile"
REVIEW = "review"


@dataclass(frozen=True)
class Step:
    code: str
    number: int
    total: int
    previous: str | None
    next: str


def step_codes(instrument: Instrument) -> list[str]:
    return [PROFILE, *(dimension.code for dimension in instrument.dimensions)]


def step_for(instrument: Instrument, code: str) -> Step | None:
    """Where a step stands in the questionnaire; None for a code that is not a step."""
    codes = step_codes(instrument)
    if code not in codes:
        return None
    index = codes.index(code)
    return Step(
        code=code,
        number=index + 1,
        total=len(codes),
        previous=codes[index - 1] if index > 0 else None,
        next=codes[index + 1] if index + 1 < len(codes) else REVIEW,
    )
