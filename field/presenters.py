"""What the field app's server answers the phone, as plain JSON-ready data."""

from typing import Any

from django.urls import reverse
from django.utils import translation

from diagnostic.models import Assessment
from diagnostic.stages import STAGES

from .selectors import conflicts_of
from .uploads import result_summary


def upload_answer(assessment: Assessment) -> dict[str, Any]:
    """What the phone keeps of a stored upload, the same each time it is sent: the server's
    result, in place of its own."""
    linked = assessment.cohort_link
    record = assessment.offline
    summary = result_summary(assessment.result)
    with translation.override(assessment.language):
        result_url = reverse("diagnostic:result", kwargs={"token": assessment.token})
        roadmap_url = reverse("recommendations:roadmap", kwargs={"token": assessment.token})
    return {
        "client_id": str(assessment.client_id),
        "assessment_id": assessment.pk,
        "firm_id": assessment.firm_id,
        "enrolment_id": linked.enrolment_id,
        "kind": linked.kind,
        "instrument": assessment.instrument.code,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "result": {
            **summary,
            "stage_name": str(STAGES[summary["stage"]]) if summary["stage"] else None,
        },
        "client_result_matches": record.result_matches,
        "conflicts": [
            {"id": conflict, "other_assessment_id": other}
            for conflict, other in conflicts_of(linked)
        ],
        "result_url": result_url,
        "roadmap_url": roadmap_url,
        "desk_url": reverse(
            "cohorts:assessment", kwargs={"pk": linked.enrolment_id, "linked_pk": linked.pk}
        ),
    }
