from functools import cache

from diagnostic.instrument import Instrument
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.scoring import score_answers
from diagnostic.services import INSTRUMENTS_DIR
from diagnostic.stages import place_stage


@cache
def real_instrument() -> Instrument:
    return parse_instrument(load_instrument_file(INSTRUMENTS_DIR / "mydigitalsme-v1.yaml"))


def stored_result(answers: dict) -> dict:
    """What a submitted assessment stores, for answers given as cleaned values."""
    return {
        "scores": score_answers(real_instrument(), answers).to_dict(),
        "stage": place_stage(answers).to_dict(),
    }
