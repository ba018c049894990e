"""Bands and k-anonymity as plain functions: no database needed."""

from collections import Counter
from decimal import Decimal

from cohorts.anonymity import (
    EMPLOYEE_BANDS,
    TURNOVER_BANDS,
    WITHHELD,
    YEARS_BANDS,
    banded,
    shown_counts,
)


def released(combinations, shown):
    return {
        firm: values[: shown[firm]] + (WITHHELD,) * (len(values) - shown[firm])
        for firm, values in combinations.items()
    }


def test_figures_fall_in_their_bands():
    assert [banded(n, EMPLOYEE_BANDS) for n in (1, 9, 10, 49, 50, 250, 100_000)] == [
        "1 to 9", "1 to 9", "10 to 49", "10 to 49", "50 to 249", "250 or more", "250 or more",
    ]  # fmt: skip
    assert banded(Decimal("99999.99"), TURNOVER_BANDS) == "under 100000"
    assert banded(Decimal("1e14"), TURNOVER_BANDS) == "10000000 or more"
    assert banded(0, YEARS_BANDS) == "0 to 2"
    assert banded(None, YEARS_BANDS) == ""


def test_every_combination_shown_is_shared_by_at_least_k_firms():
    combinations = {
        firm: ("MX", "Sonora", ["rural", "city"][firm % 2], ["agrifood", "crafts"][firm % 3 == 0])
        for firm in range(23)
    }
    combinations[99] = ("MX", "Sonora", "metro", "mining")  # alone of its kind
    shown = shown_counts(combinations, k=5)
    groups = Counter(released(combinations, shown).values())
    assert min(groups.values()) >= 5
    assert shown[99] < 3  # its settlement and sector are withheld
    assert max(shown.values()) == 4  # common firms keep everything


def test_a_lone_firm_fully_withheld_is_joined_by_others_until_there_are_k():
    combinations = {firm: ("MX", "rural") for firm in range(7)}
    combinations[7] = ("PE", "metro")
    shown = shown_counts(combinations, k=5)
    groups = Counter(released(combinations, shown).values())
    assert min(groups.values()) >= 5
    assert groups[(WITHHELD, WITHHELD)] >= 5
