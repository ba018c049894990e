"""The shipped catalogue: complete, valid, and loaded once without overwriting edits."""

import pytest

from diagnostic.selectors import instruments_shipped_combined
from diagnostic.stages import CONDITION_CODES
from recommendations.models import Action, Programme, Provider
from recommendations.services import CATALOGUE_DIR, catalogue_load, catalogue_read


@pytest.fixture(scope="module")
def shipped():
    return catalogue_read(CATALOGUE_DIR)


def test_the_shipped_files_have_no_problems_and_enough_entries(shipped):
    actions, programmes, providers = shipped
    assert len(actions) >= 40
    assert len(programmes) >= 20
    assert len(providers) >= 20


def test_every_programme_says_when_it_was_checked_and_where_its_facts_come_from(shipped):
    _actions, programmes, _providers = shipped
    for programme in programmes:
        assert programme.checked_on is not None, programme.code
        assert programme.sources, programme.code


def test_every_area_and_the_readiness_block_have_actions(shipped):
    actions, _programmes, _providers = shipped
    instrument = instruments_shipped_combined()
    covered = {action.area for action in actions}
    for dimension in instrument.dimensions:
        for area in dimension.areas:
            assert area.code in covered, area.code


def test_every_stage_condition_has_a_free_or_cheap_action(shipped):
    actions, _programmes, _providers = shipped
    for code in CONDITION_CODES:
        addressing = [action for action in actions if code in action.addresses]
        assert addressing, code
        assert any(action.cost in ("free", "low") for action in addressing), code


def test_the_seed_programmes_are_there_with_their_limits(shipped):
    _actions, programmes, _providers = shipped
    by_code = {programme.code: programme for programme in programmes}
    dublin = by_code["dublin_trading_online_voucher"]
    assert dublin.criteria.employees_max == 10
    assert dublin.criteria.turnover_max.currency == "EUR"
    assert by_code["ni_rural_business_development_grant"].criteria.town_population_max == 4999
    assert by_code["newport_news_ecommerce_grant"].criteria.women_owned == "bonus"
    assert by_code["mercado593_guayaco"].coverage.countries == ("EC",)
    assert (
        sum(1 for p in programmes if set(p.coverage.countries) & {"MX", "AR", "EC", "CO", "PE"})
        >= 8
    )


def test_no_invented_provider_is_shipped_and_real_ones_carry_no_contacts(shipped):
    _actions, _programmes, providers = shipped
    assert not [provider.code for provider in providers if provider.is_example]
    assert not [provider.code for provider in providers if provider.contact]
    assert len({provider.name for provider in providers}) == len(providers)


def test_every_provider_is_named_by_an_action_that_shares_its_purpose(shipped):
    actions, _programmes, providers = shipped
    by_code = {provider.code: provider for provider in providers}
    named = set()
    for action in actions:
        for code in action.providers:
            assert set(by_code[code].categories) & set(action.categories), (action.code, code)
            named.add(code)
    assert named == set(by_code)


@pytest.mark.django_db
def test_loading_keeps_what_editors_changed_unless_asked_to_update():
    counts = catalogue_load()
    total = Action.objects.count() + Programme.objects.count() + Provider.objects.count()
    assert counts["created"] == total
    action = Action.objects.exclude(cost="high").first()
    shipped_cost = action.cost
    Action.objects.filter(pk=action.pk).update(cost="high")

    again = catalogue_load()
    assert (again["created"], again["updated"], again["kept"]) == (0, 0, total)
    assert Action.objects.get(pk=action.pk).cost == "high"

    catalogue_load(update=True)
    assert Action.objects.get(pk=action.pk).cost == shipped_cost
