"""The upload's checks and the bundle's catalogue entries: plain functions, no database."""

import uuid
from datetime import date
from decimal import Decimal

from django.utils import translation

from field.bundle import (
    action_entry,
    content_version,
    offered_programmes,
    programme_entry,
    provider_entry,
    serving_providers,
)
from field.uploads import parse_upload, result_matches, result_summary
from recommendations.catalogue import (
    ActionSpec,
    Coverage,
    Criteria,
    FirmProfile,
    Money,
    ProgrammeSpec,
    ProviderSpec,
)
from recommendations.parsing import parse_action, parse_programme, parse_provider

GOOD = {
    "client_id": "0b5e9f3a-7c1d-4e2a-9f00-1234567890ab",
    "firm_id": 12,
    "kind": "follow_up",
    "instrument": {"code": "mydigitalsme-v3", "checksum": "abc"},
    "answers": {"internet_access": "none"},
    "started_at": "2026-05-04T10:00:00-06:00",
    "finished_at": "2026-05-04T10:40:00-06:00",
    "based_on": 7,
}


def test_parse_upload_reads_a_well_formed_upload():
    upload, problems = parse_upload(GOOD, default_language="es")
    assert problems == []
    assert upload is not None
    assert upload.client_id == uuid.UUID(GOOD["client_id"])
    assert (upload.firm_id, upload.enrolment_id, upload.based_on) == (12, None, 7)
    assert upload.language == "es" and upload.client_result is None
    assert upload.finished_at.utcoffset().total_seconds() == -6 * 3600


def test_parse_upload_reads_the_firms_profile_found_on_the_visit():
    upload, problems = parse_upload(
        {**GOOD, "profile": {"employees": 6, "annual_turnover": "480000.50"}},
        default_language="es",
    )
    assert problems == []
    assert upload is not None
    assert upload.profile == {"employees": 6, "annual_turnover": Decimal("480000.50")}
    unknown_sales, _problems = parse_upload(
        {**GOOD, "profile": {"annual_turnover": None}}, default_language="es"
    )
    assert unknown_sales is not None and unknown_sales.profile == {"annual_turnover": None}
    facts = {"women_led": True, "has_physical_storefront": False, "formally_registered": None}
    with_facts, _problems = parse_upload({**GOOD, "profile": facts}, default_language="es")
    assert with_facts is not None and with_facts.profile == facts


def test_figures_are_checked_as_the_business_profile_checks_them_and_said_in_spanish():
    def problems_of(profile):
        with translation.override("es"):
            upload, problems = parse_upload({**GOOD, "profile": profile}, default_language="es")
        assert upload is None
        return {(problem.field, problem.code, problem.message) for problem in problems}

    assert problems_of({"employees": 0, "annual_turnover": "-5"}) == {
        (
            "profile.employees",
            "invalid_value",
            "Personas que trabajan en el negocio: "
            "Asegúrese de que este valor es mayor o igual a 1.",
        ),
        (
            "profile.annual_turnover",
            "invalid_value",
            "Ventas anuales: Asegúrese de que este valor es mayor o igual a 0.",
        ),
    }
    assert problems_of({"employees": "6"}) == {
        (
            "profile.employees",
            "invalid_value",
            "Personas que trabajan en el negocio: No es un número.",
        )
    }
    for wrong in ({"employees": 2.5}, {"employees": True}, {"employees": None}):
        assert {code for _field, code, _message in problems_of(wrong)} == {"invalid_value"}
    for wrong in ("NaN", "1e400", "12.345", "doce", 1.5):
        problems = problems_of({"annual_turnover": wrong})
        assert {field for field, _code, _message in problems} == {"profile.annual_turnover"}
    assert problems_of({"exports": "yes"}) == {
        ("profile.exports", "invalid_value", "Vende al exterior: No es sí ni no.")
    }
    assert {field for field, _c, _m in problems_of({"women_led": 1, "employees": True})} == {
        "profile.women_led",
        "profile.employees",
    }
    assert {code for _f, code, _m in problems_of({"employees": 3, "currency": "EUR"})} == {
        "invalid_profile"
    }
    assert {code for _f, code, _m in problems_of([6])} == {"invalid_profile"}


def test_parse_upload_names_every_problem_with_its_place_and_code():
    bad = {
        **GOOD,
        "client_id": "not-a-uuid",
        "firm_id": "12",
        "kind": "follow-up",
        "instrument": "mydigitalsme-v3",
        "answers": ["internet_access"],
        "started_at": "yesterday",
        "based_on": True,
        "language": "fr",
        "client_result": {"stage": "D", "overall": 140},
        "extra": 1,
    }
    del bad["finished_at"]
    upload, problems = parse_upload(bad, default_language="es")
    assert upload is None
    assert {(problem.field, problem.code) for problem in problems} == {
        ("extra", "unknown_key"),
        ("finished_at", "required"),
        ("client_id", "invalid_uuid"),
        ("firm_id", "invalid_id"),
        ("based_on", "invalid_id"),
        ("kind", "invalid_kind"),
        ("instrument", "invalid_instrument"),
        ("language", "invalid_language"),
        ("answers", "not_an_object"),
        ("started_at", "invalid_datetime"),
        ("client_result", "invalid_result"),
    }


def test_parse_upload_of_something_else_than_an_object_says_so_in_spanish():
    with translation.override("es"):
        _upload, problems = parse_upload([GOOD], default_language="es")
    assert [problem.code for problem in problems] == ["not_an_object"]


def test_the_fingerprint_follows_the_content_not_the_phones_result():
    upload, _problems = parse_upload(GOOD, default_language="es")
    again, _problems = parse_upload(
        {**GOOD, "client_result": {"stage": "E", "overall": None, "dimensions": {}}},
        default_language="es",
    )
    other, _problems = parse_upload({**GOOD, "kind": "baseline"}, default_language="es")
    answers = {"internet_access": "none"}
    assert upload and again and other
    assert upload.fingerprint(answers) == again.fingerprint(answers)
    assert upload.fingerprint(answers) != other.fingerprint(answers)
    assert upload.fingerprint(answers) != upload.fingerprint({"internet_access": "fixed_broadband"})


def test_the_phones_result_matches_when_stage_and_every_score_agree():
    stored = {
        "stage": {"stage": "D"},
        "scores": {
            "overall": {"value": 34},
            "dimensions": {"marketing": {"value": 40}, "readiness": {"value": None}},
        },
    }
    summary = result_summary(stored)
    assert summary == {
        "stage": "D",
        "overall": 34,
        "dimensions": {"marketing": 40, "readiness": None},
    }
    same = {"stage": "D", "overall": 34, "dimensions": {"marketing": 40, "readiness": None}}
    assert result_matches(same, summary) is True
    assert result_matches({**same, "overall": 35}, summary) is False
    assert result_matches({**same, "dimensions": {"marketing": 40}}, summary) is True
    assert result_matches({**same, "dimensions": {}}, summary) is False
    assert result_matches(None, summary) is None


def test_catalogue_entries_read_back_as_the_catalogue_files_do():
    action = ActionSpec(
        code="whatsapp_catalogue",
        dimension="ecommerce",
        area="online_store",
        categories=("messaging",),
        cost="free",
        effort="low",
        horizon="30_days",
        title={"es": "Catálogo en WhatsApp", "en": "WhatsApp catalogue"},
        why={"es": "Porque sí.", "en": "Because."},
        steps={"es": ("Uno", "Dos", "Tres"), "en": ("One", "Two", "Three")},
        addresses=("channel_d",),
        when={"answer": "internet_access", "in": ["none", "mobile_unreliable"]},
        providers=("whatsapp_business",),
    )
    programme = ProgrammeSpec(
        code="sonora_voucher",
        name={"es": "Vale Sonora", "en": "Sonora voucher"},
        organisation="Gobierno de Sonora",
        kind="voucher",
        benefit={"es": "Dinero", "en": "Money"},
        description={"es": "Un vale.", "en": "A voucher."},
        url="https://example.org/vale",
        coverage=Coverage(countries=("MX",), regions=("MX-SON",)),
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 12, 31),
        status="open",
        checked_on=date(2026, 5, 1),
        sources=("https://example.org/reglas",),
        categories=("online_store",),
        criteria=Criteria(
            employees_max=10,
            turnover_max=Money(amount=Decimal("1999999.99"), currency="MXN"),
            years_trading_min=Decimal("0.5"),
            women_owned="bonus",
            other=({"es": "Estar al corriente", "en": "Up to date with taxes"},),
        ),
    )
    provider = ProviderSpec(
        code="clip",
        name="Clip",
        categories=("payments",),
        description={"es": "Terminal", "en": "Card reader"},
        coverage=Coverage(countries=("MX",), online=True),
        languages=("es",),
        price_tier="low",
        url="https://clip.mx",
    )
    assert parse_action(action_entry(action), "a") == (action, [])
    assert parse_programme(programme_entry(programme), "p") == (programme, [])
    assert parse_provider(provider_entry(provider), "v") == (provider, [])


def test_only_programmes_and_providers_for_the_firms_places_are_taken():
    sonora = FirmProfile(country="MX", region="MX-SON")
    here = ProgrammeSpec(
        code="here",
        name={"es": "Aquí", "en": "Here"},
        organisation="x",
        kind="grant",
        benefit={},
        description={},
        url="",
        coverage=Coverage(countries=("MX",), regions=("MX-SON",)),
        categories=("online_store",),
    )
    elsewhere = ProgrammeSpec(
        **{**here.__dict__, "code": "elsewhere", "coverage": Coverage(regions=("AR-C",))}
    )
    closed = ProgrammeSpec(**{**here.__dict__, "code": "closed", "status": "closed"})
    ended = ProgrammeSpec(**{**here.__dict__, "code": "ended", "closes_on": date(2026, 1, 1)})
    today = date(2026, 6, 1)
    assert offered_programmes([here, elsewhere, closed, ended], [sonora], today=today) == [here]
    local = ProviderSpec(
        code="local", name="Local", categories=("payments",), description={},
        coverage=Coverage(countries=("MX",)),
    )  # fmt: skip
    example = ProviderSpec(**{**local.__dict__, "code": "example", "is_example": True})
    abroad = ProviderSpec(
        **{**local.__dict__, "code": "abroad", "coverage": Coverage(countries=("AR",))}
    )
    assert serving_providers([local, example, abroad], [sonora]) == [local]


def test_the_content_version_is_a_hash_of_the_content():
    assert content_version({"a": 1, "b": [1, 2]}) == content_version({"b": [1, 2], "a": 1})
    assert content_version({"a": 1}) != content_version({"a": 2})
