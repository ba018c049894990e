"""An offline assessment as the field app uploads it (JSON), checked before anything is stored.

Plain functions on plain data: what the phone sent goes in, an `Upload` or the list of every
problem comes out, each problem with the place it is at, a stable code and a sentence in the
active language. Access to the firm and the instrument's existence are for the caller.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cohorts.models import CohortAssessment
from diagnostic.answers import clean_answers
from diagnostic.instrument import Answers, Instrument, is_finite_number
from diagnostic.models import Firm

KEYS = {
    "client_id",
    "firm_id",
    "enrolment_id",
    "kind",
    "instrument",
    "language",
    "answers",
    "started_at",
    "finished_at",
    "based_on",
    "client_result",
    "profile",
}
REQUIRED = ("client_id", "firm_id", "kind", "instrument", "answers", "started_at", "finished_at")
# Ids in the database are positive and fit a 64-bit column.
MAX_ID = 2**63 - 1
# What the consultant checks of the firm's profile on the visit ("profile"): what each
# assessment keeps of the firm for the programme's outcomes (Firm.SNAPSHOT_FIELDS, but the
# currency, which stays the firm's) and the yes-or-no facts eligibility reads, each as the
# phone may write it: a whole number, an amount as text, true or false (null: unknown).
VISIT_PROFILE: dict[str, tuple[type, ...]] = {
    "employees": (int,),
    "annual_turnover": (int, str, type(None)),
    "women_led": (bool, type(None)),
    "has_physical_storefront": (bool, type(None)),
    "formally_registered": (bool, type(None)),
    "exports": (bool, type(None)),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload: where (`field`, e.g. "answers.sales_channels"), a
    stable `code` for the app, and a sentence for the person."""

    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Upload:
    """An upload whose every part has the right form; its answers are checked against the
    instrument apart (`check_answers`), once the caller has found that instrument."""

    client_id: UUID
    firm_id: int
    enrolment_id: int | None
    kind: str
    instrument_code: str
    instrument_checksum: str
    language: str
    answers: Mapping[str, Any]
    started_at: datetime
    finished_at: datetime
    based_on: int | None
    client_result: dict[str, Any] | None
    # The firm's profile as found on the visit, checked as the business profile checks it.
    profile: Mapping[str, Any] = field(default_factory=dict)

    def done_at(self, *, earliest: datetime, received: datetime) -> datetime:
        """When the assessment was done, for the firm's history: the phone's `finished_at`,
        unless the phone's clock cannot be right (a reset clock, a wrong time zone) — it is
        after the upload reached the site, or before `earliest`, what the work came after
        (the firm joining the cohort, the result it was based on) — and then when the upload
        reached the site."""
        return self.finished_at if earliest <= self.finished_at <= received else received

    def fingerprint(self, answers: Answers) -> str:
        """What the upload says, hashed: the same `client_id` sent again must say the same.

        The phone's own result is left out: it follows from the answers, and a newer version
        of the app may work it out again before resending.
        """
        content = {
            "firm_id": self.firm_id,
            "kind": self.kind,
            "instrument": [self.instrument_code, self.instrument_checksum],
            "language": self.language,
            "answers": {code: _plain(value) for code, value in answers.items()},
            "started_at": self.started_at.astimezone(UTC).isoformat(),
            "finished_at": self.finished_at.astimezone(UTC).isoformat(),
            "based_on": self.based_on,
        }
        if self.profile:  # left out when none, so an upload stored before it came is the same
            content["profile"] = {name: str(value) for name, value in self.profile.items()}
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def parse_upload(data: object, *, default_language: str) -> tuple[Upload | None, list[Problem]]:
    """The upload and every problem of its form; the upload only when there are none."""
    if not isinstance(data, dict):
        return None, [Problem("", "not_an_object", _("The upload must be a JSON object."))]
    problems = [
        Problem(str(key), "unknown_key", _("Unknown key “%(key)s”.") % {"key": key})
        for key in data
        if key not in KEYS
    ]
    problems += [
        Problem(key, "required", _("“%(field)s” is required.") % {"field": key})
        for key in REQUIRED
        if data.get(key) is None
    ]
    client_id = _uuid(data.get("client_id"), problems)
    firm_id = _id(data, "firm_id", problems)
    enrolment_id = _id(data, "enrolment_id", problems)
    based_on = _id(data, "based_on", problems)
    kind = data.get("kind")
    if kind is not None and kind not in CohortAssessment.Kind.values:
        message = _("“kind” must be “baseline” or “follow_up”.")
        problems.append(Problem("kind", "invalid_kind", message))
    code, checksum = _instrument(data.get("instrument"), problems)
    languages = [code for code, _name in settings.LANGUAGES]
    language = data.get("language") or default_language
    if language not in languages:
        values = {"value": language, "choices": ", ".join(languages)}
        message = _("“%(value)s” is not one of %(choices)s.") % values
        problems.append(Problem("language", "invalid_language", message))
    answers = data.get("answers")
    if answers is not None and not isinstance(answers, dict):
        message = _("answers: must be an object mapping question codes to answers.")
        problems.append(Problem("answers", "not_an_object", message))
    started_at = _moment(data, "started_at", problems)
    finished_at = _moment(data, "finished_at", problems)
    client_result = _client_result(data.get("client_result"), problems)
    profile = _visit_profile(data.get("profile"), problems)
    if problems:
        return None, problems
    assert client_id and firm_id and started_at and finished_at and isinstance(answers, dict)
    return (
        Upload(
            client_id=client_id,
            firm_id=firm_id,
            enrolment_id=enrolment_id,
            kind=str(kind),
            instrument_code=code,
            instrument_checksum=checksum,
            language=str(language),
            answers=answers,
            started_at=started_at,
            finished_at=finished_at,
            based_on=based_on,
            client_result=client_result,
            profile=profile,
        ),
        [],
    )


def check_answers(instrument: Instrument, upload: Upload) -> tuple[Answers, list[Problem]]:
    """The upload's answers checked as every other way in checks them (`clean_answers`)."""
    answers, problems = clean_answers(instrument, upload.answers, upload.language)
    return answers, [
        Problem(f"answers.{problem.item_code}", problem.code, problem.message)
        for problem in problems
    ]


def result_summary(result: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stage letter and the overall and dimension scores of a stored result, as the app
    shows them and sends its own: the shape `client_result` is compared in."""
    result = result or {}
    scores = result.get("scores", {})
    return {
        "stage": (result.get("stage") or {}).get("stage") or None,
        "overall": (scores.get("overall") or {}).get("value"),
        "dimensions": {
            code: score.get("value") for code, score in scores.get("dimensions", {}).items()
        },
    }


def result_matches(
    client_result: Mapping[str, Any] | None, summary: Mapping[str, Any]
) -> bool | None:
    """Whether the phone worked out the server's stage and scores; None when it sent none.

    Every dimension of the server's result counts, a missing one as no score.
    """
    if client_result is None:
        return None
    dimensions = client_result.get("dimensions") or {}
    return (
        (client_result.get("stage") or None) == summary["stage"]
        and client_result.get("overall") == summary["overall"]
        and all(dimensions.get(code) == value for code, value in summary["dimensions"].items())
    )


def _uuid(value: object, problems: list[Problem]) -> UUID | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            pass
    message = _("“client_id” must be the UUID the phone gave the assessment.")
    problems.append(Problem("client_id", "invalid_uuid", message))
    return None


def _id(data: Mapping[str, Any], key: str, problems: list[Problem]) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        message = _("“%(field)s” must be an id from the field app’s data, a whole number.")
        problems.append(Problem(key, "invalid_id", message % {"field": key}))
        return None
    return value


def _instrument(value: object, problems: list[Problem]) -> tuple[str, str]:
    if value is None:
        return "", ""
    if isinstance(value, dict):
        code, checksum = value.get("code"), value.get("checksum")
        if isinstance(code, str) and code and isinstance(checksum, str) and checksum:
            return code, checksum
    message = _("“instrument” must be an object with the questionnaire’s “code” and “checksum”.")
    problems.append(Problem("instrument", "invalid_instrument", message))
    return "", ""


def _moment(data: Mapping[str, Any], key: str, problems: list[Problem]) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    moment = None
    if isinstance(value, str):
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
    if moment is None:
        message = _("“%(field)s” must be a date and time such as 2026-05-04T10:30:00-06:00.")
        problems.append(Problem(key, "invalid_datetime", message % {"field": key}))
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _visit_profile(value: object, problems: list[Problem]) -> dict[str, Any]:
    """The firm's profile as found on the visit, each value checked by the firm's own field
    (the rules the business profile applies): people working a whole number from 1, yearly
    sales an amount from 0, the facts true or false; null where unknown but for people."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not set(value) <= set(VISIT_PROFILE):
        message = _("“profile” must be an object with some of %(keys)s.") % {
            "keys": ", ".join(f"“{key}”" for key in VISIT_PROFILE)
        }
        problems.append(Problem("profile", "invalid_profile", message))
        return {}
    profile = {}
    for name, given in value.items():
        model_field = Firm._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        accepted = VISIT_PROFILE[name]
        try:
            if not isinstance(given, accepted) or (
                isinstance(given, bool) and bool not in accepted
            ):
                yes_no = bool in accepted
                raise ValidationError(
                    _("This is not yes or no.") if yes_no else _("This is not a number.")
                )
            profile[name] = model_field.clean(given, None)
        except ValidationError as error:
            message = f"{capfirst(model_field.verbose_name)}: {' '.join(error.messages)}"
            problems.append(Problem(f"profile.{name}", "invalid_value", message))
    return profile


def _client_result(value: object, problems: list[Problem]) -> dict[str, Any] | None:
    """The phone's result, kept for the record: a stage letter (or null), an overall score
    and one score per dimension, each a number from 0 to 100 or null."""
    if value is None:
        return None
    if isinstance(value, dict) and set(value) <= {"stage", "overall", "dimensions"}:
        stage = value.get("stage")
        overall = value.get("overall")
        dimensions = value.get("dimensions") or {}
        if (
            (stage is None or (isinstance(stage, str) and len(stage) <= 1))
            and _score(overall)
            and isinstance(dimensions, dict)
            and all(_score(score) for score in dimensions.values())
        ):
            return {"stage": stage, "overall": overall, "dimensions": dimensions}
    message = _(
        "“client_result” must be null or an object with “stage”, “overall” and “dimensions”."
    )
    problems.append(Problem("client_result", "invalid_result", message))
    return None


def _score(value: object) -> bool:
    return value is None or (is_finite_number(value) and 0 <= value <= 100)  # type: ignore[operator]


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple | list) else value
