"""One firm's diagnostic as JSON (DESIGN 2.5): checked for `diagnose` and for each record of a
bulk import (`import_files`), and its report."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .answers import clean_answers
from .forms import ProfileForm
from .instrument import Answers, Instrument, localized
from .scoring import LEVELS, SCORING_VERSION, Completeness, Score, ScoreResult
from .stages import STAGES, StagePlacement, explain_stage


class InterchangeError(ValueError):
    """Input that can't be used; `problems` names them, each on its own line.

    `count` is how many problems were found; `complete` is False when the check stopped
    early, after PROBLEMS_SHOWN problems, and the rest of the input was not checked.
    """

    def __init__(
        self, problems: list[str], *, count: int | None = None, complete: bool = True
    ) -> None:
        self.problems = problems
        self.count = len(problems) if count is None else count
        self.complete = complete
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ParsedDiagnostic:
    language: str
    profile: dict[str, Any]
    answers: Answers


@dataclass(frozen=True)
class DiagnosticProblem:
    """One problem of a diagnostic, with its place, so that imports can point at their own."""

    place: str  # "language", "profile.country", "answers.sales_channels"; "" if `line` names it
    message: str  # a whole sentence, without the place
    line: str  # as `parse_diagnostic` reports it


def _at(place: str, message: str) -> DiagnosticProblem:
    return DiagnosticProblem(place, message, f"{place}: {message}")


def _whole(message: str) -> DiagnosticProblem:
    return DiagnosticProblem("", message, message)


def parse_diagnostic(data: object, instrument: Instrument) -> ParsedDiagnostic:
    """Check a diagnostic given as JSON data; InterchangeError lists every problem."""
    parsed, problems = check_diagnostic(data, instrument, complete_profile=False)
    if problems:
        raise InterchangeError([problem.line for problem in problems])
    return parsed


def check_diagnostic(
    data: object, instrument: Instrument, *, complete_profile: bool
) -> tuple[ParsedDiagnostic, list[DiagnosticProblem]]:
    """The diagnostic and every problem in it; the diagnostic is only usable without problems.

    With `complete_profile`, the profile must have every field a stored firm needs.
    """
    if not isinstance(data, dict):
        message = _("The input must be a JSON object with “language”, “profile” and “answers”.")
        return ParsedDiagnostic(settings.LANGUAGE_CODE, {}, {}), [_whole(message)]
    problems = [
        _whole(
            _("Unknown key “%(key)s”: expected “language”, “profile” and “answers”.") % {"key": key}
        )
        for key in data
        if key not in {"language", "profile", "answers", "external_id"}
    ]
    languages = [code for code, _name in settings.LANGUAGES]
    language = data.get("language", settings.LANGUAGE_CODE)
    if language not in languages:
        values = {"value": language, "choices": ", ".join(languages)}
        # The line keeps its own msgid, already translated; imports show the bare message.
        problems.append(
            DiagnosticProblem(
                "language",
                _("“%(value)s” is not one of %(choices)s.") % values,
                _("language: “%(value)s” is not one of %(choices)s.") % values,
            )
        )
    profile, profile_problems = _clean_profile(data.get("profile", {}), complete=complete_profile)
    problems += profile_problems
    raw_answers = data.get("answers", {})
    answers: Answers = {}
    if not isinstance(raw_answers, dict):
        problems.append(_whole(_("answers: must be an object mapping question codes to answers.")))
    else:
        # Option labels in messages: the input's language if it is one we have.
        labels_language = language if language in languages else None
        answers, answer_problems = clean_answers(instrument, raw_answers, labels_language)
        problems += [
            _at(f"answers.{problem.item_code}", problem.message) for problem in answer_problems
        ]
    return ParsedDiagnostic(language=str(language), profile=profile, answers=answers), problems


def _clean_profile(
    raw: object, *, complete: bool
) -> tuple[dict[str, Any], list[DiagnosticProblem]]:
    """Check the profile with the web form's own rules: the fields given, or `complete`ly."""
    if not isinstance(raw, dict):
        return {}, [_whole(_("profile: must be an object with the business’s details."))]
    fields = ProfileForm.Meta.fields
    problems = [
        _whole(
            _("profile.%(field)s: unknown field; the profile fields are %(fields)s.")
            % {"field": name, "fields": ", ".join(fields)}
        )
        for name in raw
        if name not in fields
    ]
    form = ProfileForm(data={name: _form_value(value) for name, value in raw.items()})
    form.is_valid()
    for name, errors in form.errors.items():
        if complete or name in raw or name == "__all__":
            problems += [_at(f"profile.{name}", str(error)) for error in errors]
    # The form fills in the currency of a turnover given without one: keep it.
    given = set(raw) | ({"currency"} if "annual_turnover" in raw else set())
    profile = {
        name: value for name, value in form.cleaned_data.items() if complete or name in given
    }
    return profile, problems


def _form_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def diagnosis_report(
    instrument: Instrument, parsed: ParsedDiagnostic, scores: ScoreResult, placement: StagePlacement
) -> dict[str, Any]:
    """Scores, levels, stage and explanation as plain data, texts in the active language."""
    explanation = explain_stage(placement)
    return {
        "instrument": instrument.code,
        "scoring_version": SCORING_VERSION,
        "language": parsed.language,
        "overall": _score(scores.overall),
        "dimensions": {
            code: _score(score) | _completeness(scores.completeness[code])
            for code, score in scores.dimensions.items()
        },
        "areas": {code: _score(score) for code, score in scores.areas.items()},
        "answered": scores.answered,
        "total": scores.total,
        **_completeness(scores.rests_on),
        "stage": placement.stage,
        "stage_name": str(STAGES[placement.stage]) if placement.stage else None,
        "explanation": explanation.summary,
        "gaps": list(explanation.gaps),
        "next_stage": placement.next_stage,
        "missing_conditions": [
            {"code": condition.code, "text": text}
            for condition, text in zip(placement.missing, explanation.next_steps, strict=True)
        ],
        "missing_answers": list(placement.missing_answers),
    }


def _score(score: Score) -> dict[str, Any]:
    return {
        "score": score.value,
        "level": score.level,
        "level_name": str(LEVELS[score.level]) if score.level else None,
    }


def _completeness(part: Completeness) -> dict[str, Any]:
    return {
        "items_scored": part.scored,
        "items_applicable": part.applicable,
        "enough_answers": part.enough,
    }


def report_text(report: dict[str, Any], instrument: Instrument) -> str:
    """The report for people reading a terminal."""
    names = {dimension.code: dimension.name for dimension in instrument.dimensions}
    areas = {
        area.code: area.name for dimension in instrument.dimensions for area in dimension.areas
    }
    language = report["language"]

    def line(label: str, score: dict[str, Any]) -> str:
        value = "—" if score["score"] is None else str(score["score"])
        level = score["level_name"] or ""
        if not score.get("enough_answers", True):
            level = _("not enough answers (%(scored)s of %(applicable)s)") % {
                "scored": score["items_scored"],
                "applicable": score["items_applicable"],
            }
        return f"  {label:<40} {value:>3}  {level}".rstrip()

    lines = [
        _("Instrument: %(code)s (scoring version %(version)s)")
        % {"code": report["instrument"], "version": report["scoring_version"]},
        _("Stage: %(stage)s") % {"stage": report["stage"] or "—"}
        + (f" — {report['stage_name']}" if report["stage_name"] else ""),
        report["explanation"],
        *report["gaps"],
        *(condition["text"] for condition in report["missing_conditions"]),
        "",
        line(_("Overall"), report["overall"]),
        "  "
        + _("Scored questions: %(scored)s of the %(applicable)s that apply.")
        % {"scored": report["items_scored"], "applicable": report["items_applicable"]},
    ]
    for code, score in report["dimensions"].items():
        lines.append(line(localized(names[code], language), score))
        lines += [
            line("  " + localized(areas[area_code], language), report["areas"][area_code])
            for area_code in (area.code for area in instrument.dimension(code).areas)
        ]
    return "\n".join(lines)
