import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommendations.catalogue import (
    COSTS,
    EFFORTS,
    HORIZONS,
    ActionSpec,
    Coverage,
    CriterionResult,
    FirmProfile,
    ProgrammeMatch,
    ProgrammeSpec,
    ProviderSpec,
)
from recommendations.roadmap import build_roadmap
from recommendations.rules import RuleError, RuleFacts

SELLS_ON_SOCIAL = {"answer": "sales_channels", "includes": "social_media"}
NEVER = {"missing": "capability_d_internet"}

SOCIAL_SELLER = RuleFacts(
    answers={
        "internet_access": "mobile_reliable",
        "online_presence": ("social_profile",),
        "sales_channels": ("messaging_apps", "social_media"),
        "payments_accepted": ("cash_only",),
    },
    areas={"payments": 0, "online_store": 50, "branding": 25, "analytics": 60, "logistics": None},
    stage="D",
    missing=("channel_c",),
    profile=FirmProfile(country="MX", settlement="rural"),
)
GLOBAL_FIRM = RuleFacts(
    answers={"sales_channels": ("global_marketplace",)},
    areas={"payments": 90, "online_store": 95, "analytics": 85},
    stage="A",
    profile=FirmProfile(country="MX"),
)


def action(code: str, **fields) -> ActionSpec:
    defaults = {
        "dimension": "ecommerce",
        "area": "online_store",
        "categories": ("online_store",),
        "cost": "free",
        "effort": "low",
        "horizon": "30_days",
        "title": {"en": code, "es": code},
        "why": {"en": "Because.", "es": "Porque."},
        "steps": {"en": ("Do it.",), "es": ("Hágalo.",)},
    }
    return ActionSpec(code=code, **{**defaults, **fields})


def provider(code: str, **fields) -> ProviderSpec:
    defaults = {"name": code, "categories": ("online_store",), "description": {"en": code}}
    return ProviderSpec(code=code, **{**defaults, **fields})


def match(code: str, eligible: str, *categories: str, name: str | None = None) -> ProgrammeMatch:
    programme = ProgrammeSpec(
        code=code,
        name={"en": name or code, "es": name or code},
        organisation="Secretaría de Economía",
        kind="training",
        benefit={"en": "Free course"},
        description={"en": "A course."},
        url="https://example.org",
        categories=categories or ("online_store",),
    )
    criteria = (CriterionResult(code="employees_max", status="met", reason="You have 4."),)
    return ProgrammeMatch(programme=programme, eligible=eligible, criteria=criteria)


def roadmap(actions, facts=SOCIAL_SELLER, *, providers=(), matches=(), language="es", limit=8):
    return build_roadmap(
        actions=actions,
        providers=providers,
        matches=matches,
        facts=facts,
        language=language,
        limit=limit,
    )


def codes(result) -> list[str]:
    return [chosen.code for chosen in result.actions]


# --- Order -----------------------------------------------------------------------------------


def test_social_seller_missing_channel_c_gets_the_cheapest_store_action_first():
    actions = [
        action("accept_cards", area="payments", categories=("payments",), when=SELLS_ON_SOCIAL),
        action("open_store", cost="low", addresses=("channel_c",)),
        action("join_delivery_app", cost="free", effort="medium", addresses=("channel_c",)),
    ]

    result = roadmap(actions)

    assert codes(result) == ["join_delivery_app", "open_store", "accept_cards"]
    assert [(chosen.reason, chosen.chosen_for) for chosen in result.actions] == [
        ("stage_gap", "channel_c"),
        ("stage_gap", "channel_c"),
        ("weak_area", "payments"),
    ]


def test_missing_conditions_are_served_in_the_order_the_stages_give_them():
    facts = RuleFacts(stage="B", missing=("channel_a", "capability_a_payments"))
    actions = [
        action("payment_gateway", area="payments", addresses=("capability_a_payments",)),
        action("sell_on_amazon", cost="medium", area="marketplace", addresses=("channel_a",)),
    ]

    assert codes(roadmap(actions, facts)) == ["sell_on_amazon", "payment_gateway"]


def test_a_firm_without_internet_is_pointed_at_connectivity_before_anything_else():
    facts = RuleFacts(
        answers={"internet_access": "none", "sales_channels": ("in_person_only",)},
        stage="E",
        missing=("channel_d", "capability_d_internet"),
    )
    actions = [
        action("whatsapp_catalog", addresses=("channel_d",)),
        action("shared_wifi", area="connectivity", addresses=("capability_d_internet",)),
    ]
    assert codes(roadmap(actions, facts)) == ["shared_wifi", "whatsapp_catalog"]


def test_an_online_store_without_internet_of_its_own_gets_connectivity_first_too():
    facts = RuleFacts(
        answers={"internet_access": "none", "sales_channels": ("own_online_store",)},
        stage="C",
        missing=("channel_b",),
    )
    actions = [
        action("sell_on_mercado_libre", addresses=("channel_b",)),
        action("shared_wifi", area="connectivity", addresses=("capability_d_internet",)),
    ]
    result = roadmap(actions, facts)
    assert codes(result) == ["shared_wifi", "sell_on_mercado_libre"]
    assert result.actions[0].chosen_for == "capability_d_internet"


def test_at_most_two_actions_per_missing_condition_in_the_whole_roadmap():
    actions = [
        action("join_delivery_app", addresses=("channel_c",)),
        action("open_store", cost="low", addresses=("channel_c",)),
        action("build_web_shop", cost="high", addresses=("channel_c",), when=SELLS_ON_SOCIAL),
        action("shop_link", cost="medium", addresses=("channel_c",)),
    ]

    result = roadmap(actions)

    assert codes(result) == ["join_delivery_app", "open_store"]


def test_an_action_whose_rule_fails_is_not_chosen_for_the_stage_gap():
    actions = [
        action("join_delivery_app", addresses=("channel_c",), when=NEVER),
        action("open_store", cost="high", addresses=("channel_c",)),
    ]

    assert codes(roadmap(actions)) == ["open_store"]


def test_weakest_area_comes_next_and_unscored_areas_last():
    actions = [
        action("track_deliveries", area="logistics", when=SELLS_ON_SOCIAL),
        action("measure_visits", area="analytics", when=SELLS_ON_SOCIAL),
        action("design_logo", area="branding", when=SELLS_ON_SOCIAL),
        action("accept_cards", area="payments", cost="low", when=SELLS_ON_SOCIAL),
        action("never_shown", area="payments", when=NEVER),
    ]

    result = roadmap(actions)

    assert codes(result) == ["accept_cards", "design_logo", "measure_visits", "track_deliveries"]
    assert {chosen.reason for chosen in result.actions} == {"weak_area"}


def test_readiness_areas_count_so_unreliable_internet_comes_early():
    facts = RuleFacts(
        answers={"internet_access": "mobile_unreliable"},
        areas={"connectivity": 25, "branding": 40},
        stage="D",
    )
    actions = [
        action("design_logo", area="branding", when={"area": "branding", "below": 60}),
        action(
            "fixed_line",
            dimension="readiness",
            area="connectivity",
            cost="medium",
            when={"answer": "internet_access", "in": ["mobile_unreliable"]},
        ),
    ]

    assert codes(roadmap(actions, facts)) == ["fixed_line", "design_logo"]


def test_cheaper_before_dearer_then_less_effort_then_catalogue_order_at_equal_area_score():
    actions = [
        action("hire_agency", area="branding", cost="high", when=SELLS_ON_SOCIAL),
        action("brand_course", area="branding", cost="low", effort="high", when=SELLS_ON_SOCIAL),
        action("canva_logo", area="branding", cost="low", when=SELLS_ON_SOCIAL),
        action("photo_kit", area="branding", cost="low", when=SELLS_ON_SOCIAL),
        action(
            "free_template", area="branding", cost="free", effort="medium", when=SELLS_ON_SOCIAL
        ),
    ]

    assert codes(roadmap(actions)) == [
        "free_template",
        "canva_logo",
        "photo_kit",
        "brand_course",
        "hire_agency",
    ]


def test_at_most_limit_actions():
    actions = [action(f"step_{n}", when=SELLS_ON_SOCIAL) for n in range(12)]

    assert len(roadmap(actions).actions) == 8
    assert codes(roadmap(actions, limit=3)) == ["step_0", "step_1", "step_2"]
    assert len(roadmap(actions, limit=1).actions) == 1


def test_the_limit_cuts_the_stage_gap_too():
    actions = [action(f"store_{n}", addresses=("channel_c",)) for n in range(3)]

    assert codes(roadmap(actions, limit=1)) == ["store_0"]


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="at least one action"):
        roadmap([action("open_store")], limit=0)


def test_grouping_by_horizon_keeps_priority_order_and_skips_empty_horizons():
    actions = [
        action("open_store", horizon="3_months", addresses=("channel_c",)),
        action("accept_cards", area="payments", horizon="12_months", when=SELLS_ON_SOCIAL),
        action("design_logo", area="branding", horizon="3_months", when=SELLS_ON_SOCIAL),
        action("measure_visits", area="analytics", horizon="12_months", when=SELLS_ON_SOCIAL),
    ]

    groups = roadmap(actions).by_horizon()

    assert [(horizon, [chosen.code for chosen in group]) for horizon, group in groups] == [
        ("3_months", ["open_store", "design_logo"]),
        ("12_months", ["accept_cards", "measure_visits"]),
    ]


def test_stage_a_firm_with_high_scores_gets_the_cheapest_deepening_actions():
    actions = [
        action("accept_cards", area="payments", when={"area": "payments", "below": 60}),
        action("whatsapp_catalogue", area="social_networks", addresses=("channel_d",)),
        action("automate_stock", area="inventory", cost="medium"),
        action("erp", area="inventory", cost="high"),
        action("export_new_market", area="marketplace", cost="low", when={"stage": ["A"]}),
        action("email_automation", area="analytics", cost="low", effort="medium"),
        action("dashboards", area="analytics", cost="free", effort="high"),
    ]

    result = roadmap(actions, GLOBAL_FIRM)

    assert codes(result) == ["export_new_market", "dashboards", "email_automation"]
    assert [chosen.reason for chosen in result.actions] == ["weak_area", "deepen", "deepen"]
    assert result.actions[1].chosen_for == "analytics"


def test_never_empty_even_when_no_rule_picks_anything():
    actions = [action("accept_cards", when=NEVER), action("automate_stock", cost="medium")]

    result = roadmap(actions, GLOBAL_FIRM)

    assert codes(result) == ["automate_stock"]
    assert result.actions[0].reason == "deepen"


def test_a_broken_rule_names_its_action():
    with pytest.raises(RuleError, match="action 'open_store': stage: must be a non-empty list"):
        roadmap([action("open_store", when={"stage": "D"})])


def test_an_unknown_cost_is_refused():
    with pytest.raises(ValueError, match="action 'open_store': cost must be one of"):
        roadmap([action("open_store", cost="cheap")])


# --- Providers and programmes ----------------------------------------------------------------


def test_an_action_shows_the_providers_its_steps_use_in_its_order_that_serve_the_country():
    providers = [
        provider("etsy", categories=("marketplace",)),
        provider("brazil_only", categories=("marketplace",), coverage=Coverage(countries=("BR",))),
        provider("mercado_libre", categories=("marketplace",)),
        provider("invented", categories=("marketplace",), is_example=True),
        provider("amazon", categories=("marketplace",)),
    ]
    sell_on_mercado_libre = action(
        "mercado_libre_seller",
        categories=("marketplace",),
        addresses=("channel_c",),
        providers=("mercado_libre", "brazil_only", "invented"),
    )

    result = roadmap([sell_on_mercado_libre], providers=providers)

    # Etsy and Amazon share the category, but the steps are about Mercado Libre.
    assert [p.code for p in result.actions[0].providers] == ["mercado_libre"]


def test_an_action_whose_steps_need_no_provider_shows_none():
    providers = [provider("loyverse", categories=("payments", "inventory"))]
    open_account = action(
        "open_business_account", categories=("payments",), addresses=("channel_c",)
    )

    result = roadmap([open_account], providers=providers)

    assert result.actions[0].providers == ()


def test_a_local_provider_is_shown_to_a_reader_in_either_language():
    providers = [provider("clip", languages=("es",), coverage=Coverage(countries=("MX",)))]
    card_reader = action("card_reader", addresses=("channel_c",), providers=("clip",))

    for language in ("es", "en"):
        result = roadmap([card_reader], providers=providers, language=language)
        assert [p.code for p in result.actions[0].providers] == ["clip"], language


def test_country_bound_providers_are_left_out_when_the_firms_country_is_unknown():
    providers = [provider("mexican", coverage=Coverage(countries=("MX",))), provider("anywhere")]
    open_store = action("open_store", providers=("mexican", "anywhere"))

    result = roadmap([open_store], RuleFacts(), providers=providers)

    assert [p.code for p in result.actions[0].providers] == ["anywhere"]


def test_programmes_attach_by_category_yes_before_check_and_no_is_left_out():
    matches = [
        match("ecommerce_check", "check", "online_store"),
        match("refused", "no", "online_store"),
        match("payments_yes", "yes", "payments"),
        match("store_yes_b", "yes", "online_store", name="Booster"),
        match("store_yes_a", "yes", "online_store", "marketplace", name="Avanza"),
        match("store_check_2", "check", "online_store", name="Zona"),
    ]
    actions = [
        action("open_store", addresses=("channel_c",)),
        action("accept_cards", area="payments", categories=("payments",), when=SELLS_ON_SOCIAL),
        action("measure_visits", area="analytics", categories=("analytics",), when=SELLS_ON_SOCIAL),
    ]

    result = roadmap(actions, matches=matches)

    attached = {
        chosen.code: [m.programme.code for m in chosen.programmes] for chosen in result.actions
    }
    assert attached == {
        "open_store": ["store_yes_a", "store_yes_b", "ecommerce_check"],
        "accept_cards": ["payments_yes"],
        "measure_visits": [],
    }
    assert [m.programme.code for m in result.programmes] == [
        "store_yes_a",
        "store_yes_b",
        "payments_yes",
        "ecommerce_check",
        "store_check_2",
    ]


def test_to_dict_is_json_ready():
    matches = [match("shophere", "yes"), match("refused", "no")]
    providers = [provider("tiendanube")]
    actions = [
        action(
            "open_store", horizon="3_months", addresses=("channel_c",), providers=("tiendanube",)
        ),
        action("accept_cards", area="payments", categories=("payments",), when=SELLS_ON_SOCIAL),
    ]

    data = roadmap(actions, providers=providers, matches=matches).to_dict()

    assert json.loads(json.dumps(data)) == {
        "actions": [
            {
                "code": "open_store",
                "horizon": "3_months",
                "reason": "stage_gap",
                "for": "channel_c",
                "programmes": ["shophere"],
                "providers": ["tiendanube"],
            },
            {
                "code": "accept_cards",
                "horizon": "30_days",
                "reason": "weak_area",
                "for": "payments",
                "programmes": [],
                "providers": [],
            },
        ],
        "programmes": [
            {
                "code": "shophere",
                "eligible": "yes",
                "criteria": [{"code": "employees_max", "status": "met", "reason": "You have 4."}],
            },
            {
                "code": "refused",
                "eligible": "no",
                "criteria": [{"code": "employees_max", "status": "met", "reason": "You have 4."}],
            },
        ],
    }


def test_programmes_the_firm_does_not_qualify_for_are_kept_apart():
    plan = roadmap([action("open_store")], matches=[match("refused", "no"), match("ok", "check")])

    assert [m.programme.code for m in plan.programmes] == ["ok"]
    assert [m.programme.code for m in plan.not_eligible] == ["refused"]


# --- Properties ------------------------------------------------------------------------------

CONDITIONS = ("channel_c", "capability_b_payments", "channel_b")
AREAS = ("payments", "online_store", "branding", "connectivity")
RULES = (None, SELLS_ON_SOCIAL, NEVER, {"area": "branding", "below": 50})


@st.composite
def catalogues(draw):
    count = draw(st.integers(min_value=0, max_value=15))
    return [
        action(
            f"action_{n}",
            area=draw(st.sampled_from(AREAS)),
            cost=draw(st.sampled_from(COSTS)),
            effort=draw(st.sampled_from(EFFORTS)),
            horizon=draw(st.sampled_from(HORIZONS)),
            addresses=tuple(draw(st.sets(st.sampled_from(CONDITIONS), max_size=2))),
            when=draw(st.sampled_from(RULES)),
        )
        for n in range(count)
    ]


@st.composite
def firms(draw):
    scores = st.none() | st.integers(min_value=0, max_value=100)
    return RuleFacts(
        answers=SOCIAL_SELLER.answers,
        areas={area: draw(scores) for area in AREAS},
        stage="D",
        missing=tuple(draw(st.lists(st.sampled_from(CONDITIONS), unique=True))),
    )


@settings(max_examples=300)
@given(catalogues(), firms(), st.integers(min_value=1, max_value=10))
def test_roadmap_respects_the_limit_never_repeats_and_puts_the_stage_gap_first(
    actions, facts, limit
):
    result = roadmap(actions, facts, limit=limit)
    chosen = codes(result)
    reasons = [action.reason for action in result.actions]

    assert len(chosen) <= limit
    assert len(set(chosen)) == len(chosen)
    assert reasons == sorted(reasons, key=("stage_gap", "weak_area", "deepen").index)
    for condition in facts.missing:
        gap = [a for a in result.actions if a.reason == "stage_gap" and a.chosen_for == condition]
        assert len(gap) <= 2
    deepening = [a for a in actions if a.when in (None, SELLS_ON_SOCIAL) and not a.addresses]
    assert len(chosen) >= min(3, limit, len(deepening))
    assert [one for _horizon, group in result.by_horizon() for one in group] == sorted(
        result.actions, key=lambda a: HORIZONS.index(a.horizon)
    )
