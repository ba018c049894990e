"""Every page type of the site, as each role sees it, in each language.

`build_programme` sets up Sonora's programme with its manager, coordinator and consultants;
`crawl_site` adds an owner's drafts and results in one language, then fetches every kind of
page through Django's test client, error states included, and returns the HTML of each.
The quality gates in this folder (valid HTML, accessibility, translations, page weight) all
check the same list.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_countries import countries

from cohorts.forms import consent_text
from cohorts.models import (
    CohortAssessment,
    CohortReport,
    DataExport,
    Enrolment,
    ImportJob,
    Invitation,
    Membership,
    Role,
    Visit,
)
from cohorts.services import cohort_assessment_start, cohort_join
from core import errors
from diagnostic.models import Assessment
from field.models import Conflict
from recommendations.models import RoadmapPDF
from recommendations.selectors import catalogue_version
from recommendations.services import catalogue_load
from tests.cohorts.conftest import E, World, assess, build_world, person
from tests.factories import (
    PROFILE,
    SOCIAL_SELLER,
    age,
    make_assessment,
    make_firm,
    submit_answers,
)
from tests.quality.texts import normalised

QUESTION_STEPS = ("readiness", "marketing", "ecommerce", "operations", "culture")


@dataclass(frozen=True)
class Site:
    """The pages of every type, and the texts that read the same in every language."""

    pages: list["Page"]
    neutral_texts: set[str]


@dataclass(frozen=True)
class Page:
    """One page type as one role saw it: what the quality gates check."""

    name: str
    role: str
    language: str
    url: str
    status: int
    html: str
    questionnaire: bool = False

    @property
    def label(self) -> str:
        return f"{self.language} · {self.role} · {self.name} ({self.url})"


class Visitor:
    """A role's browser: fetches pages and keeps each one it was shown."""

    def __init__(self, role: str, language: str, pages: list[Page], user=None):
        self.role, self.language, self.pages = role, language, pages
        self.client = Client()
        if user is not None:
            self.client.force_login(user)

    def url(self, name: str, **kwargs) -> str:
        with translation.override(self.language):
            return reverse(name, kwargs=kwargs)

    def get(self, name: str, url: str, status: int = 200, *, questionnaire: bool = False) -> None:
        self._keep(name, self.client.get(url, follow=True), status, questionnaire)

    def post(
        self,
        name: str,
        url: str,
        data: dict,
        *,
        questionnaire: bool = False,
        refused: bool = True,
    ) -> None:
        """Send a form; unless told otherwise, the form is refused and the page says why."""
        response = self.client.post(url, data, follow=True)
        self._keep(name, response, 200, questionnaire)
        shows_errors = "is-invalid" in response.text or "alert-danger" in response.text
        assert shows_errors == refused, f"{self.role} {name}: errors shown {shows_errors}"

    def keep(self, name: str, response, status: int, *, url: str = "") -> None:
        """Keep a page fetched some other way (another client, an error handler)."""
        response.redirect_chain = getattr(response, "redirect_chain", [])
        if url:
            response.redirect_chain = [(url, status)]
        self._keep(name, response, status, False)

    def _keep(self, name: str, response, status: int, questionnaire: bool) -> None:
        """Keep the page shown at the end of any redirects, at the address it was shown at."""
        chain = response.redirect_chain
        url = chain[-1][0] if chain else response.request["PATH_INFO"]
        assert response.status_code == status, f"{self.role} {name} {url}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), f"{name}: not a page"
        self.pages.append(
            Page(name, self.role, self.language, url, status, response.text, questionnaire)
        )


@dataclass
class Programme:
    """Sonora's programme: the named people, a firm awaiting review, one with progress, and
    Rosa, who manages two organisations."""

    world: World
    review_pending: CohortAssessment
    assisted: Assessment
    progress_firm: Enrolment
    rosa: object


@dataclass
class Scene:
    """The data every page type is shown with, in one language."""

    programme: Programme
    world: World
    draft: Assessment
    submitted: Assessment
    expired: Assessment
    throwaway: Assessment
    report: CohortReport
    workbook: DataExport
    import_job: ImportJob
    refused_import: ImportJob
    # An owner who joined with the cohort's code, in this language: read-only on the desk.
    joined: CohortAssessment
    invitation: Invitation
    old_invitation: Invitation


def set_the_scene(programme: Programme, language: str) -> Scene:
    """Drafts, results and programme records shown on the pages, in `language`."""
    world = programme.world
    cohort = world.cohort
    draft = make_assessment(language=language, answers={"internet_access": "mobile_reliable"})
    submitted = make_assessment(language=language, answers=SOCIAL_SELLER, submitted=True)
    RoadmapPDF.objects.create(
        assessment=submitted, language=language, catalogue_version=catalogue_version()
    )
    expired = make_assessment(language=language)
    age(expired, settings.DRAFT_RESUME_DAYS + 1)
    sonora = cohort.organisation
    maria = world.maria
    joined = cohort_join(
        cohort=cohort,
        profile={**PROFILE, "name": f"Dulces Doña Rosa ({language})"},
        consent_text=consent_text(cohort),
        language=language,
    )
    submit_answers(joined, SOCIAL_SELLER)
    return Scene(
        programme=programme,
        world=world,
        draft=draft,
        submitted=submitted,
        expired=expired,
        throwaway=make_assessment(language=language),
        report=CohortReport.objects.create(
            organisation=sonora,
            cohort=cohort,
            language=language,
            requested_by=maria,
            state=CohortReport.State.RUNNING,
            progress=40,
            step="figures",
        ),
        workbook=DataExport.objects.create(
            cohort=cohort,
            pseudonymised=True,
            language=language,
            requested_by=maria,
            state=DataExport.State.RUNNING,
            progress=60,
        ),
        import_job=ImportJob.objects.create(
            cohort=cohort,
            created_by=maria,
            file="imports/respuestas.csv",
            file_format="csv",
            state=ImportJob.State.DONE,
            total=3,
            processed=3,
            created_count=2,
            skipped_count=1,
        ),
        refused_import=ImportJob.objects.create(
            cohort=cohort,
            created_by=maria,
            file="imports/respuestas.csv",
            file_format="csv",
            state=ImportJob.State.FAILED,
            refused=True,
            total=3,
        ),
        joined=joined.cohort_link,
        invitation=Invitation.objects.create(
            organisation=sonora,
            email=f"nueva-{language}@example.org",
            role=Role.CONSULTANT,
            token=f"invitation-{language}-" + "x" * 30,
            invited_by=maria,
            expires_at=timezone.now() + timedelta(days=7),
        ),
        old_invitation=Invitation.objects.create(
            organisation=sonora,
            email=f"tarde-{language}@example.org",
            role=Role.CONSULTANT,
            token=f"old-invitation-{language}-" + "x" * 30,
            invited_by=maria,
            expires_at=timezone.now() - timedelta(days=1),
        ),
    )


def build_programme(django_user_model) -> Programme:
    """Sonora's programme with enough assessed firms that the dashboard shows its figures."""
    catalogue_load()
    world = build_world(django_user_model)
    consultant = world.ana_firm.consultant
    firms = [
        world.cohort.enrolments.create(
            firm=make_firm(name=f"Firma {number}", settlement="rural" if number < 3 else "city"),
            consultant=consultant,
        )
        for number in range(6)
    ]
    results = [
        (
            assess(enrolment, world.ana, E, days_ago=150),
            assess(enrolment, world.ana, SOCIAL_SELLER if number % 2 else E),
        )
        for number, enrolment in enumerate(firms)
    ]
    # The first firm's later result as if a phone that did not know of the earlier one had
    # sent it: an open conflict on the coordinator's page.
    earlier, later = results[0]
    Conflict.objects.create(
        enrolment=firms[0], uploaded=later.cohort_link, other=earlier.cohort_link
    )
    review_pending = assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    assisted = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    Visit.objects.create(
        enrolment=world.ana_firm,
        consultant=world.ana,
        day=timezone.localdate(),
        mode=Visit.Mode.IN_PERSON,
        notes="Revisamos el catálogo en WhatsApp.",
    )
    rosa = person(django_user_model, "rosa")
    for organisation in (world.cohort.organisation, world.otto_firm.cohort.organisation):
        Membership.objects.create(user=rosa, organisation=organisation, role=Role.MANAGER)
    return Programme(
        world=world,
        review_pending=review_pending.cohort_link,
        assisted=assisted.assessment,
        progress_firm=firms[1],
        rosa=rosa,
    )


def crawl_site(programme: Programme, language: str) -> list[Page]:
    """Every page type as each role, in one language."""
    scene = set_the_scene(programme, language)
    world = programme.world
    pages: list[Page] = []
    crawl_owner_pages(Visitor("owner", language, pages), scene)
    crawl_account_pages(Visitor("visitor", language, pages), scene)
    crawl_consultant_pages(Visitor("consultant", language, pages, world.ana), scene)
    crawl_coordinator_pages(Visitor("coordinator", language, pages, world.carlos), scene)
    crawl_manager_pages(Visitor("manager", language, pages, world.maria), scene)
    crawl_two_organisations_pages(
        Visitor("manager of two organisations", language, pages, programme.rosa), scene
    )
    crawl_error_pages(Visitor("visitor", language, pages), scene)
    return pages


def crawl_owner_pages(owner: Visitor, scene: Scene) -> None:
    draft, submitted = scene.draft, scene.submitted
    owner.get("landing", owner.url("diagnostic:landing"))
    profile = owner.url("diagnostic:profile", token=draft.token)
    owner.get("profile step", profile, questionnaire=True)
    owner.post(
        "profile step with errors", profile, {"name": "", "employees": "0"}, questionnaire=True
    )
    for code in QUESTION_STEPS:
        step = owner.url("diagnostic:step", token=draft.token, code=code)
        owner.get(f"question step {code}", step, questionnaire=True)
    owner.post(
        "question step with errors",
        owner.url("diagnostic:step", token=draft.token, code="readiness"),
        {"internet_access": "mobile_reliable", "staff_with_smartphone": "tres"},
        questionnaire=True,
    )
    owner.get("review", owner.url("diagnostic:review", token=draft.token))
    owner.get("result", owner.url("diagnostic:result", token=submitted.token))
    owner.get("roadmap", owner.url("recommendations:roadmap", token=submitted.token))
    owner.get("roadmap PDF status", owner.url("recommendations:pdf", token=submitted.token))
    delete = owner.url("diagnostic:delete", token=scene.throwaway.token)
    owner.get("delete confirm", delete)
    owner.post("deleted", delete, {}, refused=False)
    owner.get("link unknown", owner.url("diagnostic:profile", token="no-such-link"), 404)
    owner.get("link expired", owner.url("diagnostic:profile", token=scene.expired.token), 410)
    owner.get("join code", owner.url("cohorts:join_code"))
    owner.get("join unknown code", owner.url("cohorts:join", code="NOPE99"), 404)
    join = owner.url("cohorts:join", code=scene.world.cohort.join_code)
    owner.get("join", join)
    owner.post("join with errors", join, {"name": "", "employees": "0"})
    owner.get("not found", f"/{owner.language}/no-such-page/", 404)


def crawl_error_pages(visitor: Visitor, scene: Scene) -> None:
    """The pages people meet when something is wrong: each in the site's look."""
    language = visitor.language
    start = visitor.url("diagnostic:start")
    strict = Client(enforce_csrf_checks=True)
    visitor.keep("form expired (CSRF)", strict.post(start), 403)
    visitor.keep("bad request", Client().get(f"/{language}/", HTTP_HOST="evil.example"), 400)
    request = RequestFactory().get(f"/{language}/")
    request.user = AnonymousUser()
    with translation.override(language):
        visitor.keep("forbidden", errors.permission_denied(request), 403, url=request.path)
        visitor.keep("server error", errors.server_error(request), 500, url=request.path)
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "new_assessment": "0/h"}):
        visitor.keep("too many requests", visitor.client.post(start), 429)
    login = visitor.url("cohorts:login")
    wrong = {"username": "beto", "password": "not-the-password"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        locked = visitor.client.post(login, wrong)
    visitor.keep("login locked out", locked, 429)
    # Two people on one page: the second sees the first one's different answer.
    step = visitor.url("diagnostic:step", token=scene.draft.token, code="readiness")
    seen = re.search(r'name="seen" value="([^"]*)"', visitor.client.get(step).text).group(1)
    visitor.client.post(step, {"seen": seen, "internet_access": "fixed_broadband"})
    conflict = visitor.client.post(step, {"seen": seen, "internet_access": "none"})
    visitor.keep("answers changed by someone else", conflict, 409)


def crawl_account_pages(visitor: Visitor, scene: Scene) -> None:
    login = visitor.url("cohorts:login")
    visitor.get("login", login)
    visitor.post("login failed", login, {"username": "ana", "password": "not-the-password"})
    reset = visitor.url("cohorts:password_reset")
    visitor.get("password reset", reset)
    visitor.post("password reset sent", reset, {"email": scene.world.ana.email}, refused=False)
    ana = scene.world.ana
    confirm = visitor.url(
        "cohorts:password_reset_confirm",
        uidb64=urlsafe_base64_encode(force_bytes(ana.pk)),
        token=default_token_generator.make_token(ana),
    )
    visitor.get("password reset new password", confirm)
    visitor.get(
        "password reset link invalid",
        visitor.url("cohorts:password_reset_confirm", uidb64="MQ", token="nope-nope"),
    )
    visitor.get("password reset finished", visitor.url("cohorts:password_reset_complete"))
    invitation = visitor.url("cohorts:invitation", token=scene.invitation.token)
    visitor.get("invitation", invitation)
    visitor.post("invitation with errors", invitation, {"password1": "a", "password2": "b"})
    visitor.get(
        "invitation expired",
        visitor.url("cohorts:invitation", token=scene.old_invitation.token),
        410,
    )


def crawl_consultant_pages(ana: Visitor, scene: Scene) -> None:
    firm = ana.url("cohorts:firm", pk=scene.world.ana_firm.pk)
    ana.get("desk", ana.url("cohorts:desk"))
    ana.get("firm", firm)
    ana.post(
        "firm visit with errors",
        ana.url("cohorts:visit_new", pk=scene.world.ana_firm.pk),
        {"day": "", "mode": ""},
    )
    new_firm = ana.url("cohorts:firm_new")
    ana.get("new firm", new_firm)
    ana.post("new firm with errors", new_firm, {"name": ""})
    ana.get(
        "assisted question step with notes",
        ana.url("diagnostic:step", token=scene.programme.assisted.token, code="marketing"),
        questionnaire=True,
    )
    ana.get("account", ana.url("cohorts:account"))
    ana.get("field app", ana.url("field:app"))
    ana.get(
        "invitation for another address",
        ana.url("cohorts:invitation", token=scene.invitation.token),
        403,
    )


def crawl_coordinator_pages(carlos: Visitor, scene: Scene) -> None:
    world = scene.world
    carlos.get("desk", carlos.url("cohorts:desk"))
    carlos.get("firm to review", carlos.url("cohorts:firm", pk=world.ana_firm.pk))
    carlos.get("assessments in conflict", carlos.url("field:conflicts"))
    linked = scene.programme.review_pending
    carlos.post(
        "firm return without a comment",
        carlos.url("cohorts:review", pk=world.ana_firm.pk, linked_pk=linked.pk),
        {"action": "return", "comment": ""},
    )


def crawl_manager_pages(maria: Visitor, scene: Scene) -> None:
    cohort = scene.world.cohort
    maria.get("desk", maria.url("cohorts:desk"))
    maria.get("dashboard", maria.url("cohorts:dashboard") + f"?cohort={cohort.pk}")
    maria.get("dashboard with no firms", maria.url("cohorts:dashboard") + "?size=large")
    maria.get("consultants' activity", maria.url("cohorts:activity"))
    maria.get("cohorts", maria.url("cohorts:cohorts"))
    maria.get("new cohort", maria.url("cohorts:cohort_new"))
    maria.get("cohort settings", maria.url("cohorts:cohort_edit", cohort_pk=cohort.pk))
    maria.get("teams", maria.url("cohorts:teams"))
    maria.get("report", maria.url("cohorts:report", pk=scene.report.pk))
    maria.get("Excel file being prepared", maria.url("cohorts:workbook", pk=scene.workbook.pk))
    maria.get("firm with progress", maria.url("cohorts:firm", pk=scene.programme.progress_firm.pk))
    maria.get("exports", maria.url("cohorts:exports", cohort_pk=cohort.pk))
    imports = maria.url("cohorts:import_new", cohort_pk=cohort.pk)
    maria.get("import", imports)
    maria.post("import with errors", imports, {"file": bad_import_file()})
    maria.post("import with more errors than shown", imports, {"file": many_bad_rows_file()})
    maria.get("import status", maria.url("cohorts:import_status", job_pk=scene.import_job.pk))
    maria.get(
        "import refused for its file",
        maria.url("cohorts:import_status", job_pk=scene.refused_import.pk),
    )
    joined = scene.joined
    owners = {"pk": joined.enrolment_id, "linked_pk": joined.pk}
    maria.get("firm that joined with the code", maria.url("cohorts:firm", pk=joined.enrolment_id))
    maria.get("owner's own diagnostic, read-only", maria.url("cohorts:assessment", **owners))
    maria.get("owner's own roadmap, read-only", maria.url("cohorts:assessment_roadmap", **owners))
    invite = maria.url("cohorts:invite")
    maria.get("invite", invite)
    maria.post("invite with errors", invite, {"email": "not-an-address", "role": ""})
    maria.get("account", maria.url("cohorts:account"))


def crawl_two_organisations_pages(rosa: Visitor, scene: Scene) -> None:
    """The organisation choice on each page that acts for one organisation."""
    rosa.get("dashboard with the organisation choice", rosa.url("cohorts:dashboard"))
    rosa.get("invite with the organisation choice", rosa.url("cohorts:invite"))


def many_bad_rows_file() -> SimpleUploadedFile:
    rows = "".join(f"A{number},\n" for number in range(300))
    content = ("external_id,name\n" + rows).encode()
    return SimpleUploadedFile("respuestas.csv", content, content_type="text/csv")


def bad_import_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("respuestas.csv", b"external_id,name\nA1,\n", content_type="text/csv")


DATA_APPS = {"diagnostic", "cohorts", "recommendations"}


def neutral_texts() -> set[str]:
    """Texts a page shows the same in every language: what people typed or imported (names,
    e-mail addresses, notes, links), country names and month names."""
    texts: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in DATA_APPS or model is get_user_model():
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField) and not field.choices
            ]
            for row in model.objects.values_list(*fields) if fields else ():
                texts |= {normalised(value) for value in row if value}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts |= {str(name) for name in dict(countries).values()}
            for month in range(1, 13):
                day = date(2026, month, 1)
                texts |= {formats.date_format(day, "M"), formats.date_format(day, "F")}
    return {text for text in texts if text}
