import json

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostic.instrument import CANONICAL_ITEMS
from diagnostic.stages import (
    STAGES,
    Condition,
    Gap,
    explain_stage,
    place_stage,
)

pytestmark = pytest.mark.usefixtures("english")


THREE_KINDS_OF_SOFTWARE = ("accounting", "inventory", "e_invoicing")


def firm(*channels: str, **answers) -> dict:
    """Cleaned answers: `channels` are the sales channels, other items by keyword."""
    if channels:
        answers["sales_channels"] = channels
    return answers


def test_global_marketplace_seller_with_software_and_online_payments_is_stage_a():
    placement = place_stage(
        firm(
            "global_marketplace",
            business_software=THREE_KINDS_OF_SOFTWARE,
            payments_accepted=("online_gateway",),
        )
    )

    assert placement.stage == "A"
    assert placement.facts == (
        "sells_global_marketplace",
        "uses_business_software",
        "accepts_online_payments",
    )
    assert placement.next_stage is None
    assert placement.missing == ()
    assert placement.blocked == ()


def test_regular_cross_border_seller_with_own_store_and_capabilities_is_stage_a():
    placement = place_stage(
        firm(
            "own_online_store",
            cross_border_sales="regular",
            business_software=("erp", "crm", "cloud_storage"),
            payments_accepted=("cross_border",),
        )
    )

    assert placement.stage == "A"
    assert placement.facts[0] == "sells_regularly_abroad"


def test_regular_cross_border_seller_on_national_marketplace_meets_the_a_channel():
    placement = place_stage(
        firm(
            "national_marketplace",
            cross_border_sales="regular",
            business_software=THREE_KINDS_OF_SOFTWARE,
            payments_accepted=("online_gateway",),
        )
    )

    assert placement.stage == "A"


def test_occasional_cross_border_seller_with_own_store_is_not_an_a_channel():
    placement = place_stage(
        firm(
            "own_online_store",
            cross_border_sales="occasional",
            business_software=THREE_KINDS_OF_SOFTWARE,
            payments_accepted=("online_gateway",),
        )
    )

    assert placement.stage == "C"
    assert placement.blocked == ()
    assert placement.next_stage == "B"
    assert placement.missing == (Condition("channel_b"),)


def test_regular_cross_border_seller_without_store_or_marketplace_is_not_an_a_channel():
    placement = place_stage(
        firm(
            "social_media",
            cross_border_sales="regular",
            business_software=THREE_KINDS_OF_SOFTWARE,
            payments_accepted=("cross_border",),
        )
    )

    assert placement.stage == "D"
    assert "sells_regularly_abroad" not in placement.facts


def test_global_marketplace_seller_without_business_software_falls_to_b():
    placement = place_stage(firm("global_marketplace", payments_accepted=("online_gateway",)))

    assert placement.stage == "B"
    assert placement.facts == ("sells_global_marketplace", "accepts_digital_payments")
    assert placement.blocked == (
        Gap(
            stage="A",
            facts=("sells_global_marketplace",),
            missing=(Condition("capability_a_software", {"have": 0, "need": 3}),),
        ),
    )
    assert placement.next_stage == "A"
    assert placement.missing == (Condition("capability_a_software", {"have": 0, "need": 3}),)


def test_two_kinds_of_business_software_are_not_enough_for_a():
    placement = place_stage(
        firm(
            "global_marketplace",
            business_software=("accounting", "crm"),
            payments_accepted=("online_gateway",),
        )
    )

    assert placement.stage == "B"
    assert placement.missing == (Condition("capability_a_software", {"have": 2, "need": 3}),)


def test_a_capability_needs_online_gateway_or_cross_border_payments():
    placement = place_stage(
        firm(
            "global_marketplace",
            business_software=THREE_KINDS_OF_SOFTWARE,
            payments_accepted=("card_terminal", "mobile_wallet"),
        )
    )

    assert placement.stage == "B"
    assert placement.missing == (Condition("capability_a_payments"),)


def test_national_marketplace_seller_with_card_payments_is_stage_b():
    placement = place_stage(firm("national_marketplace", payments_accepted=("card_terminal",)))

    assert placement.stage == "B"
    assert placement.facts == ("sells_national_marketplace", "accepts_digital_payments")
    assert placement.next_stage == "A"
    assert placement.missing == (
        Condition("channel_a"),
        Condition("capability_a_software", {"have": 0, "need": 3}),
        Condition("capability_a_payments"),
    )


def test_marketplace_seller_with_cash_only_falls_to_c():
    placement = place_stage(firm("national_marketplace", payments_accepted=("cash_only",)))

    assert placement.stage == "C"
    assert placement.blocked == (
        Gap("B", ("sells_national_marketplace",), (Condition("capability_b_payments"),)),
    )
    assert placement.next_stage == "B"
    assert placement.missing == (Condition("capability_b_payments"),)


def test_marketplace_seller_with_unanswered_payments_falls_to_c():
    assert place_stage(firm("national_marketplace")).stage == "C"


def test_global_marketplace_seller_with_cash_only_falls_to_c_blocked_at_a_and_b():
    placement = place_stage(
        firm("global_marketplace", business_software=("none",), payments_accepted=("cash_only",))
    )

    assert placement.stage == "C"
    assert [gap.stage for gap in placement.blocked] == ["A", "B"]
    assert placement.blocked[0].missing == (
        Condition("capability_a_software", {"have": 0, "need": 3}),
        Condition("capability_a_payments"),
    )


def test_own_online_store_seller_is_stage_c():
    placement = place_stage(firm("own_online_store", "social_media"))

    assert placement.stage == "C"
    assert placement.facts == ("sells_own_store",)
    assert placement.missing == (Condition("channel_b"), Condition("capability_b_payments"))


def test_local_marketplace_or_app_seller_is_stage_c():
    assert place_stage(firm("local_marketplace_or_app")).stage == "C"


def test_online_store_seller_without_internet_stays_c_as_c_has_no_capability_condition():
    assert place_stage(firm("own_online_store", internet_access="none")).stage == "C"


def test_social_seller_is_stage_d():
    placement = place_stage(
        firm(
            "messaging_apps", online_presence=("social_profile",), internet_access="mobile_reliable"
        )
    )

    assert placement.stage == "D"
    assert placement.facts == ("has_online_presence", "sells_messaging_social", "has_internet")
    assert placement.next_stage == "C"
    assert placement.missing == (Condition("channel_c"),)


def test_online_presence_alone_is_stage_d():
    assert place_stage(firm(online_presence=("maps_listing",))).stage == "D"


def test_unanswered_internet_access_does_not_block_d():
    placement = place_stage(firm("social_media"))

    assert placement.stage == "D"
    assert "has_internet" not in placement.facts


def test_social_seller_without_internet_falls_to_e():
    placement = place_stage(firm("social_media", internet_access="none"))

    assert placement.stage == "E"
    assert placement.facts == ("no_internet",)
    assert placement.blocked == (
        Gap("D", ("sells_messaging_social",), (Condition("capability_d_internet"),)),
    )
    assert placement.missing == (Condition("capability_d_internet"),)


def test_online_presence_none_is_not_a_d_channel():
    placement = place_stage(firm("in_person_only", online_presence=("none",)))

    assert placement.stage == "E"
    assert placement.facts == ("no_online_channel",)
    assert placement.next_stage == "D"
    assert placement.missing == (Condition("channel_d"),)


def test_phone_seller_without_internet_is_stage_e_missing_channel_and_internet():
    placement = place_stage(firm("phone", internet_access="none"))

    assert placement.stage == "E"
    assert placement.facts == ("no_online_channel", "no_internet")
    assert placement.blocked == ()
    assert placement.missing == (Condition("channel_d"), Condition("capability_d_internet"))


def test_stage_is_undetermined_when_neither_sales_channels_nor_online_presence_is_answered():
    placement = place_stage(
        {"internet_access": "fixed_broadband", "payments_accepted": ("card_terminal",)}
    )

    assert placement.stage is None
    assert placement.missing_answers == ("sales_channels", "online_presence")
    assert placement.next_stage is None
    assert placement.facts == placement.missing == placement.blocked == ()


def test_stage_is_determined_when_only_sales_channels_is_answered():
    placement = place_stage(firm("in_person_only"))

    assert placement.stage == "E"
    assert placement.missing_answers == ()


def test_stage_is_determined_when_only_online_presence_is_answered():
    assert place_stage(firm(online_presence=("none",))).stage == "E"
    assert place_stage(firm(online_presence=("website",))).stage == "D"


def test_to_dict_is_plain_json():
    placement = place_stage(firm("global_marketplace", payments_accepted=("cash_only",)))

    data = json.loads(json.dumps(placement.to_dict()))

    assert data["stage"] == "C"
    assert data["blocked"][0]["missing"][0] == {
        "code": "capability_a_software",
        "params": {"have": 0, "need": 3},
    }
    assert data["missing"] == [{"code": "capability_b_payments", "params": {}}]


# --- Explanation ------------------------------------------------------------------------------


def test_explanation_names_the_stage_and_the_facts():
    placement = place_stage(firm("messaging_apps", online_presence=("social_profile",)))

    explanation = explain_stage(placement)

    assert explanation.summary == (
        "You are at stage D, Social seller, because you have an online presence and "
        "you sell through messaging apps or social media."
    )
    assert explanation.gaps == ()
    assert explanation.missing_answers == ""


def test_explanation_says_what_a_blocked_marketplace_seller_lacks():
    placement = place_stage(firm("national_marketplace", payments_accepted=("cash_only",)))

    explanation = explain_stage(placement)

    assert explanation.summary.startswith("You are at stage C, Online store seller, because ")
    assert explanation.gaps == (
        "You sell on a national marketplace; to be a stage B firm you also need to accept card, "
        "mobile-wallet or online payments.",
    )
    assert explanation.next_steps == (
        "To reach stage B, Marketplace seller, you need to accept card, mobile-wallet or "
        "online payments.",
    )


def test_explanation_lists_three_facts_with_commas_and_and():
    placement = place_stage(
        firm(
            "global_marketplace",
            business_software=THREE_KINDS_OF_SOFTWARE,
            payments_accepted=("online_gateway",),
        )
    )

    assert explain_stage(placement).summary == (
        "You are at stage A, Global digital firm, because you sell on a global marketplace, "
        "you use at least three kinds of business software and you accept online payments."
    )
    assert explain_stage(placement).next_steps == ()


def test_next_steps_count_the_business_software_in_use():
    placement = place_stage(
        firm("global_marketplace", business_software=("crm",), payments_accepted=("cross_border",))
    )

    assert explain_stage(placement).next_steps == (
        "To reach stage A, Global digital firm, you need to use at least 3 kinds of business "
        "software (you use 1 kind now).",
    )


def test_explanation_of_an_undetermined_stage_names_the_missing_answers():
    explanation = explain_stage(place_stage({}))

    assert "can’t be set yet" in explanation.summary
    assert "how you sell" in explanation.summary
    assert "where your business can be found online" in explanation.missing_answers
    assert explanation.gaps == explanation.next_steps == ()


def test_explanation_is_rendered_in_the_active_language():
    placement = place_stage(firm("social_media"))

    with translation.override("es"):
        explanation = explain_stage(placement)

    # No Spanish catalogue is needed for this: the summary is text either way.
    assert explanation.summary
    assert "D" in explanation.summary


# --- Properties -------------------------------------------------------------------------------

STAGE_ORDER = "EDCBA"


def options(item: str) -> tuple[str, ...]:
    return CANONICAL_ITEMS[item][1]


def multi_answer(item: str, exclusive: str) -> st.SearchStrategy:
    others = [code for code in options(item) if code != exclusive]
    return (
        st.none()
        | st.just((exclusive,))
        | st.sets(st.sampled_from(others), min_size=1).map(
            lambda chosen: tuple(code for code in others if code in chosen)
        )
    )


@st.composite
def canonical_answers(draw) -> dict:
    candidates = {
        "internet_access": st.none() | st.sampled_from(options("internet_access")),
        "cross_border_sales": st.none() | st.sampled_from(options("cross_border_sales")),
        "online_presence": multi_answer("online_presence", "none"),
        "sales_channels": multi_answer("sales_channels", "in_person_only"),
        "payments_accepted": multi_answer("payments_accepted", "cash_only"),
        "business_software": multi_answer("business_software", "none"),
    }
    answers = {code: draw(strategy) for code, strategy in candidates.items()}
    return {code: answer for code, answer in answers.items() if answer is not None}


@settings(max_examples=200)
@given(canonical_answers())
def test_stage_is_always_a_to_e_or_undetermined_and_always_explained(answers):
    placement = place_stage(answers)

    assert placement.stage in (*STAGES, None)
    assert (placement.stage is None) == (
        "sales_channels" not in answers and "online_presence" not in answers
    )
    assert all(gap.missing for gap in placement.blocked)
    assert all(
        STAGE_ORDER.index(gap.stage) > STAGE_ORDER.index(placement.stage)
        for gap in placement.blocked
    )
    explanation = explain_stage(placement)
    assert explanation.summary
    assert len(explanation.next_steps) == len(placement.missing)


@settings(max_examples=200)
@given(canonical_answers(), st.sampled_from(options("sales_channels")[1:]))
def test_adding_a_sales_channel_never_lowers_the_stage(answers, channel):
    before = place_stage(answers)
    channels = set(answers.get("sales_channels", ())) - {"in_person_only"} | {channel}
    after = place_stage(
        answers | {"sales_channels": tuple(c for c in options("sales_channels") if c in channels)}
    )

    assert after.stage is not None
    if before.stage is not None:
        assert STAGE_ORDER.index(after.stage) >= STAGE_ORDER.index(before.stage)
