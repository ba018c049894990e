"""One organisation out to JSON and back in: a round trip that loses and leaks nothing."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    Cohort,
    CohortAssessment,
    ImportJob,
    Invitation,
    Membership,
    Organisation,
    Profile,
    Visit,
)
from cohorts.services import (
    assessment_correct,
    assessment_mark_reviewed,
    assessment_return,
    cohort_join,
    plan_agree,
    referral_record,
    visit_log,
)
from diagnostic.models import AnswerNote, Assessment, Firm
from diagnostic.services import assessment_submit
from recommendations.models import Action, Programme
from recommendations.services import catalogue_load
from tests.cohorts.conftest import assess
from tests.factories import PROFILE, SOCIAL_SELLER

SONORA = "Secretaría de Economía de Sonora"

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def sonora(world, cohort_of_twelve):
    """Sonora's office with every kind of thing an organisation holds, beside Puebla's."""
    ana = world.ana
    baseline = assess(world.ana_firm, ana, SOCIAL_SELLER)
    AnswerNote.objects.create(assessment=baseline, item_code="sales_channels", text="Vende por WA")
    linked = baseline.cohort_link
    assessment_return(linked=linked, actor=world.carlos, comment="Revise los canales")
    baseline.refresh_from_db()
    assessment_submit(assessment=baseline)
    assessment_mark_reviewed(linked=linked, actor=world.carlos)
    linked.refresh_from_db()
    assessment_correct(linked=linked, actor=ana, language="es")
    visit_log(
        enrolment=world.ana_firm,
        user=ana,
        day=date(2026, 3, 2),
        mode="phone",
        hours=Decimal("0.5"),
        notes="Llamada",
    )
    cohort_join(
        cohort=world.cohort,
        profile={**PROFILE, "name": "Panadería La Espiga"},
        consent_text="Acepto compartir mis resultados.",
        language="es",
    )
    organisation = world.cohort.organisation
    Invitation.objects.create(
        organisation=organisation,
        email="nueva@example.org",
        role="consultant",
        coordinator=world.ana_firm.consultant.coordinator,
        token="invitation-token-1",
        invited_by=world.maria,
        expires_at=timezone.now() + timedelta(days=14),
    )
    ImportJob.objects.create(
        cohort=world.cohort,
        created_by=world.maria,
        file="imports/respuestas.csv",
        file_format="csv",
        state="done",
        total=3,
        processed=3,
        created_count=2,
        skipped_count=1,
        problems=[],
    )
    Profile.objects.create(user=world.maria, language="es")
    world.ana_firm.members.add(Membership.objects.get(user=world.beto))  # a team of two
    catalogue_load()
    plan_agree(
        enrolment=world.ana_firm,
        user=ana,
        targets={Action.objects.get(code="business_phone"): date(2026, 4, 2)},
        day=date(2026, 3, 2),
    )
    own = Programme.objects.order_by("code").first()
    own.pk, own.code, own.catalogue_of = None, "sonora_mentoria", organisation
    own.save()  # a programme of Sonora's own catalogue, to which the firm is referred
    referral_record(
        enrolment=world.ana_firm, user=ana, programme=own, status="applied", day=date(2026, 3, 2)
    )
    return organisation


def export(name=SONORA) -> dict:
    """What export_organisation writes, read back."""
    organisation = Organisation.objects.get(name=name)
    return exported(organisation.pk)


def exported(reference) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("export_organisation", str(reference), stdout=out)
    return json.loads(out.getvalue())


def write(tmp_path, data) -> str:
    path = tmp_path / "organisation.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def wipe(organisation: Organisation, *, people: bool) -> None:
    """Delete the organisation and its firms, as if restoring into an empty site."""
    firms = list(Firm.objects.filter(enrolments__cohort__organisation=organisation))
    usernames = [m.user.username for m in organisation.memberships.select_related("user")]
    organisation.delete()
    Firm.objects.filter(pk__in=[firm.pk for firm in firms]).delete()
    if people:
        get_user_model().objects.filter(username__in=usernames).delete()


def without_time_of_export(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "exported_at"}


def test_round_trip_recreates_the_same_organisation(sonora, tmp_path):
    before = export()
    path = write(tmp_path, before)
    wipe(sonora, people=True)

    call_command("import_organisation", path)

    assert without_time_of_export(export()) == without_time_of_export(before)
    [team] = [e["members"] for c in before["cohorts"] for e in c["enrolments"] if e["members"]]
    assert team == ["beto"]


def test_the_export_holds_all_kinds_of_records(sonora):
    data = export()
    enrolments = [e for cohort in data["cohorts"] for e in cohort["enrolments"]]
    linked = [a for e in enrolments for a in e["assessments"]]
    assert len(data["firms"]) == 15 and len(enrolments) == 15
    assert {m["user"]: m["role"] for m in data["memberships"]} == {
        "maria": "manager",
        "carlos": "coordinator",
        "ana": "consultant",
        "beto": "consultant",
    }
    assert [e["action"] for a in linked for e in a["events"]] == [
        "returned",
        "reviewed",
        "reopened",
    ]
    assert sum(1 for a in linked if a["corrects"]) == 1
    assert any(a["assessment"]["notes"] for a in linked)
    assert all(
        a["assessment"]["scores"] for a in linked if a["assessment"]["status"] == "submitted"
    )
    assert [v["notes"] for e in enrolments for v in e["visits"]] == ["Llamada"]
    assert [c["text"] for e in enrolments for c in e["consents"]] == [
        "Acepto compartir mis resultados."
    ]
    assert data["invitations"][0]["coordinator"] == "carlos"
    assert data["cohorts"][0]["imports"][0]["created_count"] == 2
    [planned] = [item for e in enrolments for item in e["action_plan"]]
    assert (planned["action"], planned["target"], planned["created_by"]) == (
        "business_phone",
        "2026-04-02",
        "ana",
    )
    assert [(item["programme"], item["status"]) for e in enrolments for item in e["referrals"]] == [
        ("sonora_mentoria", "applied")
    ]
    assert [row["code"] for row in data["catalogue"]["programmes"]] == ["sonora_mentoria"]


def test_no_password_hash_leaves_and_new_people_set_their_own(
    sonora, tmp_path, client, mailoutbox, django_capture_on_commit_callbacks
):
    data = export()
    assert "password" not in json.dumps(data)
    assert {person["username"] for person in data["people"]} == {"maria", "carlos", "ana", "beto"}
    path = write(tmp_path, data)
    wipe(sonora, people=True)

    call_command("import_organisation", path)

    maria = get_user_model().objects.get(username="maria")
    assert maria.email == "maria@example.org"
    assert not maria.check_password("una-clave-larga-9")
    assert maria.profile.language == "es"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:password_reset"), {"email": "maria@example.org"})
    assert [mail.to for mail in mailoutbox] == [["maria@example.org"]]


def test_people_who_are_still_here_keep_their_accounts(sonora, tmp_path):
    path = write(tmp_path, export())
    wipe(sonora, people=False)

    call_command("import_organisation", path)

    maria = get_user_model().objects.get(username="maria")
    assert maria.check_password("una-clave-larga-9")
    assert maria.memberships.get().organisation.name == SONORA


def test_the_restored_organisation_works_in_the_desk_and_dashboard(sonora, world, client, tmp_path):
    def seen_by_the_manager():
        client.force_login(get_user_model().objects.get(username="maria"))
        desk = client.get(reverse("cohorts:desk"))
        dashboard = client.get(reverse("cohorts:dashboard"))
        rows = [(enrolment.firm.name, status) for enrolment, status in desk.context["page"]]
        figures = dashboard.context["figures"]
        return sorted(rows), {key: figures[key] for key in ("enrolled", "assessed", "stages")}

    before = seen_by_the_manager()
    path = write(tmp_path, export())
    wipe(sonora, people=True)
    call_command("import_organisation", path)

    assert seen_by_the_manager() == before
    assert before[1]["assessed"] == 13


def test_owners_links_still_open_their_results_after_a_restore(sonora, world, client, tmp_path):
    token = assess(world.beto_firm, world.beto, SOCIAL_SELLER).token
    path = write(tmp_path, export())
    wipe(sonora, people=True)
    call_command("import_organisation", path)

    page = client.get(reverse("diagnostic:result", kwargs={"token": token}))

    assert page.status_code == 200
    assert "Tortillería Doña Luz" in page.content.decode()


def test_a_person_who_was_deactivated_stays_so(sonora, world, tmp_path):
    world.beto.is_active = False
    world.beto.save()
    path = write(tmp_path, export())
    wipe(sonora, people=True)
    call_command("import_organisation", path)

    assert not get_user_model().objects.get(username="beto").is_active


def test_another_organisations_data_is_not_in_the_export(sonora, world):
    text = json.dumps(export(), ensure_ascii=False)
    assert "Talavera Poblana" not in text
    assert "Puebla" not in text
    assert "otto" not in text
    assert world.otto_firm.cohort.join_code not in text


def test_importing_the_same_file_twice_is_refused_and_adds_nothing(sonora, tmp_path):
    path = write(tmp_path, export())
    counts = (Organisation.objects.count(), Firm.objects.count(), Assessment.objects.count())

    with pytest.raises(CommandError, match="exists here already; nothing was imported"):
        call_command("import_organisation", path)

    assert (
        Organisation.objects.count(),
        Firm.objects.count(),
        Assessment.objects.count(),
    ) == counts


def test_a_renamed_copy_of_the_organisation_is_refused_too(sonora, tmp_path):
    data = export()
    data["organisation"]["name"] = "Otra oficina"
    with pytest.raises(CommandError, match="holds part of this organisation already"):
        call_command("import_organisation", write(tmp_path, data))
    assert not Organisation.objects.filter(name="Otra oficina").exists()


def test_a_damaged_file_imports_nothing_at_all(sonora, tmp_path):
    data = export()
    del data["cohorts"][0]["enrolments"][5]["firm"]
    path = write(tmp_path, data)
    wipe(sonora, people=True)

    with pytest.raises(
        CommandError, match=r"damaged at cohorts\[0\]\.enrolments\[5\].*“firm” is missing"
    ):
        call_command("import_organisation", path)

    assert not Organisation.objects.filter(name=SONORA).exists()
    assert not get_user_model().objects.filter(username="maria").exists()
    assert not CohortAssessment.objects.filter(enrolment__cohort__name="Pueblos Digitales 2026")


def test_an_action_this_sites_catalogue_lacks_is_named(sonora, tmp_path):
    data = export()
    [planned] = [
        item for c in data["cohorts"] for e in c["enrolments"] for item in e["action_plan"]
    ]
    planned["action"] = "teleport_goods"
    path = write(tmp_path, data)
    wipe(sonora, people=True)

    with pytest.raises(CommandError, match="“teleport_goods” is not in this site’s catalogue"):
        call_command("import_organisation", path)
    assert not Organisation.objects.filter(name=SONORA).exists()


def test_an_impossible_value_is_named(sonora, tmp_path):
    data = export()
    data["firms"][2]["settlement"] = "moon"
    path = write(tmp_path, data)
    wipe(sonora, people=True)

    with pytest.raises(CommandError, match=r"damaged at firms.*'moon' is not a valid choice"):
        call_command("import_organisation", path)
    assert not Organisation.objects.filter(name=SONORA).exists()


def test_someone_else_under_the_same_username_is_refused(sonora, tmp_path):
    path = write(tmp_path, export())
    wipe(sonora, people=True)
    get_user_model().objects.create_user(username="ana", email="otra.ana@example.com")

    with pytest.raises(CommandError, match="“ana” here has another e-mail address"):
        call_command("import_organisation", path)
    assert not Organisation.objects.filter(name=SONORA).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"answers": {}}', "not an organisation export"),
        ("[1, 2]", "not an organisation export"),
        ('{"format": "ruta-digital-organisation", "version": 2}', "format version 2, by a newer"),
        ('{"format": "ruta-digital-organisation"}', "no format version"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused(db, tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_organisation", write(tmp_path, content))
    assert not Organisation.objects.exists()


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nowhere.json"):
        call_command("import_organisation", str(tmp_path / "nowhere.json"))


def test_an_unknown_organisation_is_named(world):
    with pytest.raises(CommandError, match="No organisation has the id or name “Atlantis”"):
        call_command("export_organisation", "Atlantis")
    with pytest.raises(CommandError, match="No organisation has the id or name “999”"):
        call_command("export_organisation", "999")


def test_the_export_is_written_to_a_file_by_name_or_id(world, tmp_path):
    organisation = world.cohort.organisation
    call_command("export_organisation", SONORA, output=str(tmp_path / "by-name.json"))
    call_command("export_organisation", str(organisation.pk), output=str(tmp_path / "by-id.json"))
    by_name = json.loads((tmp_path / "by-name.json").read_text(encoding="utf-8"))
    by_id = json.loads((tmp_path / "by-id.json").read_text(encoding="utf-8"))
    assert by_name["organisation"]["name"] == by_id["organisation"]["name"] == SONORA


def test_a_file_written_before_the_newer_optional_fields_still_imports(sonora, tmp_path):
    """Files made before the owner's phone, visit hours, cohort follow-up interval and
    completeness were recorded lack those keys: they take their defaults."""
    data = export()
    added = {"owner_name", "phone", "hours", "follow_up_days", "closed_on", "items_scored",
             "items_applicable"}  # fmt: skip

    def strip(value):
        if isinstance(value, dict):
            return {key: strip(inner) for key, inner in value.items() if key not in added}
        if isinstance(value, list):
            return [strip(inner) for inner in value]
        return value

    path = write(tmp_path, strip(data))
    wipe(sonora, people=True)

    call_command("import_organisation", path)

    cohort = Cohort.objects.get(name="Pueblos Digitales 2026")
    assert (cohort.follow_up_days, cohort.closed_on) == (150, None)
    assert Visit.objects.get(enrolment__cohort=cohort).hours is None
