"""Desk page data in the reader's language."""

from collections.abc import Iterable

from django.urls import translate_url

from diagnostic.stages import STAGES

from .models import CohortAssessment


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def url_in_language(url: str, language: str) -> str:
    return translate_url(url, language)


def history(assessments: Iterable[CohortAssessment], language: str) -> list[dict]:
    """A firm's assessments, oldest first, with the stage movement between them."""
    rows = []
    previous_stage = ""
    for linked in assessments:
        assessment = linked.assessment
        stage = assessment.stage
        rows.append(
            {
                "kind": linked.get_kind_display(),
                "created_at": linked.created_at,
                "submitted_at": assessment.submitted_at,
                "is_submitted": assessment.is_submitted,
                "review": linked.get_review_display(),
                "stage": stage,
                "stage_name": STAGES[stage] if stage else "",
                "moved_from": previous_stage
                if stage and previous_stage and previous_stage != stage
                else "",
                "overall": assessment.overall_score,
                "token": assessment.token,
                "language": assessment.language,
                "pk": linked.pk,
                "reviewed": linked.review == CohortAssessment.Review.REVIEWED,
                "corrects": linked.corrects_id is not None,
                "events": [
                    {
                        "action": event.get_action_display(),
                        "actor": _name(event.actor),
                        "created_at": event.created_at,
                        "comment": event.comment,
                    }
                    for event in linked.events.all()
                ],
            }
        )
        if stage:
            previous_stage = stage
    return rows
