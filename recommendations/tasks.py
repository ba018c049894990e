from celery import shared_task

from . import services


@shared_task(soft_time_limit=120, time_limit=180)
def render_roadmap_pdf(pdf_id: int) -> bool:
    """Render one queued PDF; a second delivery of the same task finds it claimed or done."""
    if not services.roadmap_pdf_claim(pdf_id=pdf_id):
        return False
    try:
        content = services.roadmap_pdf_content(pdf_id=pdf_id)
    except Exception as error:  # any failure is shown to the owner with a retry button
        services.roadmap_pdf_fail(pdf_id=pdf_id, error=f"{type(error).__name__}: {error}")
        return False
    services.roadmap_pdf_store(pdf_id=pdf_id, content=content)
    return True
