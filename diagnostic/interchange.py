"""One firm's diagnostic as JSON (DESIGN 2.5): read by `diagnose` and, later, by imports."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .instrument import Answers, Instrument, clean_answers, localized
from .scoring import LEVELS, SCORING_VERSION, Score, ScoreResult
from .stages import STAGES, StagePlacement, explain_stage


class InterchangeError(ValueError):
    """Input that can't be used; `problems` names every one of them, each on its own line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ParsedDiagnostic:
    language: str
    profile: dict[str, Any]
    answers: Answers


def parse_diagnostic(data: object, instrument: Instrument) -> ParsedDiagnostic:
    """Check a diagnostic given as JSON data; InterchangeError lists every problem."""
    if not isinstance(data, dict):
        raise InterchangeError(
            [_("The input must be a JSON object with “language”, “profile” and “answers”.")]
        )
    problems = [
        _("Unknown key “%(key)s”: expected “language”, “profile” and “answers”.") % {"key": key}
        for key in data
        if key not in {"language", "profile", "answers", "external_id"}
    ]
    languages = [code for code, _name in settings.LANGUAGES]
    language = data.get("language", settings.LANGUAGE_CODE)
    if language not in languages:
        problems.append(
            _("language: “%(value)s” is not one of %(choices)s.")
            % {"value": language, "choices": ", ".join(languages)}
        )
    profile, profile_problems = _clean_profile(data.get("profile", {}))
    problems += profile_problems
    raw_answers = data.get("answers", {})
    answers: Answers = {}
    if not isinstance(raw_answers, dict):
        problems.append(_("answers: must be an object mapping question codes to answers."))
    else:
        answers, answer_problems = clean_answers(instrument, raw_answers, language)
        problems += [
            f"answers.{problem.item_code}: {problem.message}" for problem in answer_problems
        ]
    if problems:
        raise InterchangeError(problems)
    return ParsedDiagnostic(language=language, profile=profile, answers=answers)


def _clean_profile(raw: object) -> tuple[dict[str, Any], list[str]]:
    """Check the profile fields that are given, with the web form's own rules."""
    if not isinstance(raw, dict):
        return {}, [_("profile: must be an object with the business’s details.")]
    fields = ProfileForm.Meta.fields
    problems = [
        _("profile.%(field)s: unknown field; the profile fields are %(fields)s.")
        % {"field": name, "fields": ", ".join(fields)}
        for name in raw
        if name not in fields
    ]
    form = ProfileForm(data={name: _form_value(value) for name, value in raw.items()})
    form.is_valid()
    for name, errors in form.errors.items():
        if name in raw or name == "__all__":
            problems += [f"profile.{name}: {error}" for error in errors]
    profile = {name: value for name, value in form.cleaned_data.items() if name in raw}
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
        "dimensions": {code: _score(score) for code, score in scores.dimensions.items()},
        "areas": {code: _score(score) for code, score in scores.areas.items()},
        "answered": scores.answered,
        "total": scores.total,
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


def report_text(report: dict[str, Any], instrument: Instrument) -> str:
    """The report for people reading a terminal."""
    names = {dimension.code: dimension.name for dimension in instrument.dimensions}
    areas = {
        area.code: area.name for dimension in instrument.dimensions for area in dimension.areas
    }
    language = report["language"]

    def line(label: str, score: dict[str, Any]) -> str:
        value = "—" if score["score"] is None else str(score["score"])
        return f"  {label:<40} {value:>3}  {score['level_name'] or ''}".rstrip()

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
    ]
    for code, score in report["dimensions"].items():
        lines.append(line(localized(names[code], language), score))
        lines += [
            line("  " + localized(areas[area_code], language), report["areas"][area_code])
            for area_code in (area.code for area in instrument.dimension(code).areas)
        ]
    return "\n".join(lines)
