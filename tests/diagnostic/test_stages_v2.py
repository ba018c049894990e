"""Version 2 of the A–E rules (instrument mydigitalsme-v2), firm by firm (DESIGN 2.3).

Each firm is one a development-bank reviewer ran through the v1 rules and found mislabelled.
"""

import pytest
from django.utils import translation

from diagnostic.stages import StagePlacement, explain_stage, place_stage, stage_rules_for

pytestmark = pytest.mark.usefixtures("english")


def placed(**answers) -> StagePlacement:
    return place_stage(answers, rules="v2")


def summary(placement: StagePlacement) -> str:
    return explain_stage(placement).summary


def test_a_manufacturer_with_an_erp_and_a_website_that_sells_by_phone_is_e_and_told_why():
    placement = placed(
        sales_channels=("phone",),
        online_presence=("website",),
        business_software=("erp", "accounting", "inventory"),
        internet_access="fixed_broadband",
    )
    assert placement.stage == "E"
    assert summary(placement) == (
        "You are at stage E, Incipient digitizer, because you have a website and you don’t "
        "sell online yet."
    )
    assert [c.code for c in placement.missing] == ["channel_d"]


def test_an_amazon_exporter_paid_by_transfer_is_a_when_it_runs_on_business_software():
    amazon = {
        "sales_channels": ("global_marketplace",),
        "payments_accepted": ("bank_transfer",),
        "cross_border_sales": "regular",
    }
    placement = placed(**amazon, business_software=("accounting", "inventory", "crm"))
    assert placement.stage == "A"
    assert "you can be paid from abroad" in summary(placement)


def test_an_amazon_seller_without_software_is_a_marketplace_seller_never_an_online_store():
    placement = placed(sales_channels=("global_marketplace",), payments_accepted=("cash_only",))
    assert placement.stage == "B"
    assert summary(placement) == (
        "You are at stage B, Marketplace seller, because you sell on a global marketplace."
    )
    [gap] = placement.blocked
    assert gap.stage == "A"
    assert [c.code for c in gap.missing] == ["capability_a_software"]


def test_a_national_marketplace_seller_paid_only_in_cash_by_the_platform_is_b():
    placement = placed(sales_channels=("national_marketplace",), payments_accepted=("cash_only",))
    assert placement.stage == "B"


def test_a_cash_only_facebook_marketplace_seller_is_a_social_seller_not_c():
    placement = placed(
        sales_channels=("social_media",),
        payments_accepted=("cash_only",),
        internet_access="mobile_unreliable",
        employees=1,
    )
    assert placement.stage == "D"
    assert "you sell through messaging apps or social media" in summary(placement)


def test_a_software_exporter_selling_to_foreign_clients_by_email_reaches_a():
    placement = placed(
        sales_channels=("b2b_online",),
        cross_border_sales="regular",
        payments_accepted=("bank_transfer",),
        business_software=("accounting", "crm", "e_invoicing"),
        internet_access="fixed_broadband",
    )
    assert placement.stage == "A"
    assert "business clients order from you by e-mail or B2B platforms" in summary(placement)


def test_a_b2b_seller_at_c_aims_at_a_not_at_marketplaces():
    placement = placed(
        sales_channels=("b2b_online",),
        payments_accepted=("bank_transfer",),
        business_software=("accounting",),
    )
    assert (placement.stage, placement.next_stage) == ("C", "A")
    assert [c.code for c in placement.missing] == ["channel_a", "capability_a_software"]


def test_free_cloud_storage_is_not_business_software_for_stage_a():
    placement = placed(
        sales_channels=("global_marketplace",),
        business_software=("cloud_storage", "accounting", "inventory"),
    )
    assert placement.stage == "B"
    [gap] = placement.blocked
    assert gap.missing[0].params == {"have": 2, "need": 3}


def test_a_supplier_to_government_through_e_procurement_is_an_online_seller_c():
    placement = placed(sales_channels=("public_procurement", "phone"))
    assert placement.stage == "C"
    assert "you sell to government through e-procurement portals" in summary(placement)


def test_a_social_seller_without_internet_of_its_own_is_e_with_what_is_missing():
    placement = placed(sales_channels=("messaging_apps",), internet_access="none")
    assert placement.stage == "E"
    [gap] = placement.blocked
    assert (gap.stage, [c.code for c in gap.missing]) == ("D", ["capability_d_internet"])


def test_without_the_sales_channels_answer_the_stage_is_not_guessed():
    placement = placed(online_presence=("website",))
    assert placement.stage is None
    assert placement.missing_answers == ("sales_channels",)
    assert "how you sell" in summary(placement)


def test_a_stored_v2_placement_is_explained_by_the_v2_rules():
    placement = placed(sales_channels=("b2b_online",), business_software=("accounting",))
    again = StagePlacement.from_dict(placement.to_dict())
    assert again == placement
    with translation.override("es"):
        steps = explain_stage(again).next_steps
    assert any("etapa A" in step for step in steps)


def test_a_v1_result_stored_before_rule_versions_stays_v1():
    stored = place_stage({"online_presence": ("website",)}).to_dict()
    del stored["rules"]
    assert StagePlacement.from_dict(stored).rules == "v1"
    assert StagePlacement.from_dict(stored).stage == "D"


def test_each_instrument_version_is_placed_by_its_rules():
    assert stage_rules_for("mydigitalsme-v1") == "v1"
    assert stage_rules_for("mydigitalsme-v2") == "v2"
    assert stage_rules_for("mydigitalsme-v3") == "v2"
