"""The actions and providers the shipped catalogue gives firms the review found badly served.

Each firm goes through `diagnose`, the same path as the web, with the real instrument and
catalogue: an action is offered only where it exists and suits the firm's line of activity,
and each one shows only the providers its steps use.
"""

import json
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from recommendations.models import Programme

pytestmark = pytest.mark.django_db


def diagnose(tmp_path, profile: dict, answers: dict) -> dict:
    path = tmp_path / "firm.json"
    path.write_text(json.dumps({"language": "es", "profile": profile, "answers": answers}))
    out = StringIO()
    call_command("diagnose", str(path), stdout=out)
    return json.loads(out.getvalue())["roadmap"]


def roadmap_of(tmp_path, profile: dict, answers: dict) -> dict:
    actions = diagnose(tmp_path, profile, answers)["actions"]
    return {action["code"]: action for action in actions}


def store_seller(**profile) -> tuple[dict, dict]:
    """A shop with its own online store (stage C) that has never used a marketplace."""
    firm = {"name": "Tienda", "employees": 4, "sector": "retail_goods", **profile}
    answers = {
        "internet_access": "fixed_broadband",
        "online_presence": ["social_profile", "website"],
        "sales_channels": ["own_online_store"],
        "payments_accepted": ["bank_transfer"],
        "marketplace_experience": "never",
        "delivery_reach": "national",
    }
    return firm, answers


def test_a_firm_in_spain_is_not_sent_to_mercado_libre_but_may_sell_on_amazon_spain(tmp_path):
    actions = roadmap_of(tmp_path, *store_seller(country="ES", region="Madrid"))

    assert "mercado_libre_seller" not in actions
    assert "amazon_national_seller" in actions


def test_a_firm_in_colombia_is_sent_to_mercado_libre_not_to_an_amazon_of_its_country(tmp_path):
    actions = roadmap_of(tmp_path, *store_seller(country="CO", region="Antioquia"))

    assert "amazon_national_seller" not in actions
    assert actions["mercado_libre_seller"]["providers"] == ["mercado_libre"]


def test_a_home_bakery_that_delivers_locally_gets_no_national_marketplace(tmp_path):
    firm, answers = store_seller(country="MX", region="Jalisco", sector="agrifood", employees=2)
    answers["delivery_reach"] = "local"

    actions = roadmap_of(tmp_path, firm, answers)

    assert not {"mercado_libre_seller", "amazon_national_seller"} & set(actions)


@pytest.mark.parametrize(
    ("name", "sector", "employees"),
    [("Estética Lupita", "services_b2c", 2), ("Muebles del Bajío", "manufacturing", 45)],
)
def test_a_salon_or_a_45_person_manufacturer_is_not_told_to_start_on_facebook_marketplace(
    tmp_path, name, sector, employees
):
    profile = {"name": name, "country": "MX", "region": "Guanajuato", "sector": sector,
               "employees": employees}  # fmt: skip
    answers = {
        "internet_access": "fixed_broadband",
        "online_presence": ["website"],
        "sales_channels": ["phone"],
        "payments_accepted": ["bank_transfer"],
    }

    actions = roadmap_of(tmp_path, profile, answers)

    assert "facebook_marketplace_listings" not in actions
    assert {code for code, action in actions.items() if action["for"] == "channel_d"}


def test_an_urban_bakery_is_first_pointed_at_the_delivery_apps_of_its_city(tmp_path):
    profile = {"name": "Panadería La Espiga", "country": "MX", "region": "Ciudad de México",
               "settlement": "metro", "sector": "agrifood", "employees": 5}  # fmt: skip
    answers = {
        "internet_access": "fixed_broadband",
        "online_presence": ["social_profile", "messaging_business"],
        "sales_channels": ["messaging_apps", "social_media"],
        "payments_accepted": ["mobile_wallet"],
    }

    actions = roadmap_of(tmp_path, profile, answers)

    for_channel_c = [code for code, action in actions.items() if action["for"] == "channel_c"]
    assert for_channel_c[0] == "delivery_apps_listing"
    assert actions["delivery_apps_listing"]["providers"] == ["rappi", "didi_food"]


def test_opening_a_business_account_never_suggests_a_till_app(tmp_path):
    profile = {"name": "Abarrotes Don Beto", "country": "MX", "region": "Puebla",
               "sector": "retail_goods", "employees": 1}  # fmt: skip
    answers = {
        "internet_access": "mobile_reliable",
        "online_presence": ["messaging_business"],
        "sales_channels": ["messaging_apps"],
        "payments_accepted": ["cash_only"],
        "business_bank_account": "none",
    }

    actions = roadmap_of(tmp_path, profile, answers)

    assert "loyverse" not in actions["open_business_account"]["providers"]


def test_no_shipped_action_shows_an_invented_provider(tmp_path):
    actions = roadmap_of(tmp_path, *store_seller(country="MX", region="Puebla"))

    assert all(
        not code.startswith("example_")
        for action in actions.values()
        for code in action["providers"]
    )


def programmes_of(tmp_path, profile: dict, answers: dict) -> dict:
    programmes = diagnose(tmp_path, profile, answers)["programmes"]
    return {match["code"]: match for match in programmes}


def test_a_chilean_corner_shop_is_offered_digitaliza_tu_almacen_to_check_never_as_sure(tmp_path):
    firm, answers = store_seller(country="CL", region="Ñuble", formally_registered=True)
    firm["years_trading"] = 3

    programmes = programmes_of(tmp_path, firm, answers)

    almacen = programmes["cl_digitaliza_tu_almacen"]
    assert almacen["eligible"] == "check"  # no confirmed open call, and the sales limit is in UF
    assert "status" in {criterion["code"] for criterion in almacen["criteria"]}


def test_a_spanish_firm_is_not_offered_kit_digital_after_its_last_call_closed(tmp_path):
    programmes = programmes_of(tmp_path, *store_seller(country="ES", region="Madrid"))

    assert "es_kit_digital" not in programmes
    assert "es_oficinas_acelera_pyme" in programmes


SALON = {"name": "Estética Lupita", "country": "CO", "region": "CO-DC", "settlement": "metro",
         "sector": "services_b2c", "employees": 2}  # fmt: skip
# A salon that sells through WhatsApp and Instagram (stage D) and answered most questions.
SALON_ANSWERS = {
    "internet_access": "mobile_reliable",
    "business_devices": ["personal_phone"],
    "owner_digital_confidence": "moderate",
    "business_bank_account": "personal_account",
    "digital_payment_services": "using_one",
    "finance_access": "informal",
    "online_presence": ["social_profile", "messaging_business"],
    "social_posting_frequency": "weekly",
    "customer_reviews": "respond",
    "brand_identity": "logo_used_online",
    "product_content": "photos_with_prices",
    "sales_channels": ["messaging_apps", "social_media"],
    "payments_accepted": ["bank_transfer", "mobile_wallet"],
    "online_sales_share": "none",
    "online_store_setup": "none",
    "online_booking": "messages",
    "marketplace_experience": "not_applicable",
    "cross_border_sales": "not_applicable",
    "digital_payments_share": "25_to_50",
    "e_invoicing_method": "through_accountant",
    "accounting_records": "notebook",
    "file_storage": "one_device",
    "inventory_control": "not_applicable",
    "order_delivery": "not_applicable",
    "after_sales": "case_by_case",
    "digital_attitude": "after_others",
    "digital_responsibility": "owner_when_possible",
    "team_collaboration": "individual_chats",
}


def test_a_salon_that_takes_bookings_by_whatsapp_is_first_offered_online_booking(tmp_path):
    actions = diagnose(tmp_path, SALON, SALON_ANSWERS)["actions"]

    first = actions[0]
    assert (first["code"], first["for"]) == ("online_booking_calendar", "channel_c")
    assert first["providers"] == ["google_business_profile", "wix"]
    assert "returns_policy_published" in {action["code"] for action in actions}


def test_a_shop_is_not_offered_online_booking(tmp_path):
    shop = SALON | {"name": "Papelería Lupita", "sector": "retail_goods"}

    actions = roadmap_of(tmp_path, shop, SALON_ANSWERS | {"online_booking": "in_person_or_phone"})

    assert "online_booking_calendar" not in actions


def test_an_owner_who_borrows_from_family_is_shown_the_way_to_formal_credit(tmp_path):
    profile = {"name": "Abarrotes Don Beto", "country": "MX", "region": "MX-PUE",
               "sector": "retail_goods", "employees": 1}  # fmt: skip
    answers = SALON_ANSWERS | {
        "business_bank_account": "none",
        "digital_payment_services": "no_access",
        "finance_access": "informal",
        "payments_accepted": ["cash_only"],
        "digital_payments_share": "none",
    }

    actions = roadmap_of(tmp_path, profile, answers)

    assert "formal_credit_options" in actions
    assert "formal_credit_options" not in roadmap_of(
        tmp_path, profile, answers | {"finance_access": "bank"}
    )


def test_a_peruvian_micro_business_is_offered_its_national_schemes_to_check(tmp_path):
    firm, answers = store_seller(name="Bodega Doña Rosa", country="PE", region="Arequipa")
    firm["employees"] = 2

    programmes = programmes_of(tmp_path, firm, answers)

    for code in ("pe_kit_digital_tu_empresa", "pe_proinnovate"):
        assert programmes[code]["eligible"] == "check"  # no call confirmed open
        assert "status" in {criterion["code"] for criterion in programmes[code]["criteria"]}


@pytest.mark.parametrize(
    ("country", "region", "codes"),
    [
        ("MX", "Jalisco", ["mx_crece_tu_mipyme_pagos_digitales"]),
        ("CO", "Antioquia", ["co_centros_transformacion_digital_empresarial"]),
        ("CL", "Ñuble", ["cl_ruta_digital", "cl_pymes_globales"]),
        ("EC", "Pichincha", ["ec_capacitacion_comercio_electronico_mercado_libre"]),
        ("GT", "Sacatepéquez", ["gt_plan_digitalizacion_mipyme"]),
    ],
)
def test_a_shop_anywhere_in_its_country_is_offered_the_national_schemes_to_check(
    tmp_path, country, region, codes
):
    programmes = programmes_of(tmp_path, *store_seller(country=country, region=region))

    assert {code: programmes[code]["eligible"] for code in codes} == dict.fromkeys(codes, "check")


def weak_on_cybersecurity(**profile) -> tuple[dict, dict]:
    """A shop that keeps its files on one phone and protects no account, and answered enough
    of its operations for them to be scored."""
    firm, answers = store_seller(**profile)
    answers.update(
        business_software=["none"],
        file_storage="one_device",
        cyber_basics=["none"],
        e_invoicing_method="paper",
        accounting_records="notebook",
        inventory_control="paper",
    )
    return firm, answers


@pytest.mark.parametrize(
    ("name", "region"), [("Cerámica Triana", "Sevilla"), ("Librería Malasaña", "Madrid")]
)
def test_a_spanish_shop_weak_on_security_is_pointed_to_activa_ciberseguridad_wherever_it_is(
    tmp_path, name, region
):
    roadmap = diagnose(tmp_path, *weak_on_cybersecurity(name=name, country="ES", region=region))

    actions = {action["code"]: action for action in roadmap["actions"]}
    programmes = {match["code"]: match for match in roadmap["programmes"]}
    assert "es_activa_ciberseguridad" in actions["account_security_basics"]["programmes"]
    assert programmes["es_activa_ciberseguridad"]["eligible"] == "check"
    assert "madrid_activate_cybersecurity" not in programmes


def test_a_site_loaded_with_the_old_madrid_entry_offers_the_national_one_after_upgrading(
    tmp_path,
):
    """Migration 0008 retires the Madrid row; loading the files, even without --update,
    adds the national programme."""
    call_command("load_catalogue", verbosity=0)
    Programme.objects.filter(code="es_activa_ciberseguridad").update(
        code="madrid_activate_cybersecurity",
        organisation="Ayuntamiento de Madrid",
        regions=["ES-MD"],
        municipalities=["Madrid"],
    )

    import_module(
        "recommendations.migrations.0008_retire_madrid_activate_cybersecurity"
    ).retire_madrid_activate_cybersecurity(apps, None)
    call_command("load_catalogue", verbosity=0)

    for region in ("Madrid", "Sevilla"):
        firm, answers = weak_on_cybersecurity(country="ES", region=region)
        programmes = programmes_of(tmp_path, firm, answers)
        assert "es_activa_ciberseguridad" in programmes
        assert "madrid_activate_cybersecurity" not in programmes


def test_an_argentine_firm_is_never_offered_the_closed_pac(tmp_path):
    firm, answers = store_seller(
        name="Metalúrgica Río Cuarto", country="AR", region="Córdoba", formally_registered=True
    )
    firm["years_trading"] = 10

    programmes = programmes_of(tmp_path, firm, answers)

    assert Programme.objects.get(code="ar_pac_transformacion_digital").status == "closed"
    assert "ar_pac_transformacion_digital" not in programmes
