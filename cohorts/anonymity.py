"""Quasi-identifiers coarsened into bands, and withheld where rare, for pseudonymised exports.

Names and contacts are left out elsewhere; what remains could still single a firm out when
combined (a rural agrifood firm with 35 people, led by a woman). So exact figures become
bands, and each firm's combination of quasi-identifiers is shown only as far as at least K
firms share it (k-anonymity): the rarest values, last in the order given, are withheld first.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal

K = 5
WITHHELD = "*"

# Lower bounds and labels ("6-10" would turn into a date in a spreadsheet, "6 to 10" not).
# Employees: the usual micro, small, medium and large firms.
EMPLOYEE_BANDS = ((1, "1 to 9"), (10, "10 to 49"), (50, "50 to 249"), (250, "250 or more"))
# Yearly sales, in the firm's own currency (given beside them).
TURNOVER_BANDS = (
    (0, "under 100000"),
    (100_000, "100000 to 999999"),
    (1_000_000, "1000000 to 9999999"),
    (10_000_000, "10000000 or more"),
)
YEARS_BANDS = ((0, "0 to 2"), (3, "3 to 5"), (6, "6 to 10"), (11, "11 to 20"), (21, "21 or more"))


def banded(value: int | Decimal | None, bands: Sequence[tuple[int, str]]) -> str:
    """The label of the band `value` falls in; empty when unknown."""
    if value is None:
        return ""
    label = bands[0][1]
    for lower, name in bands:
        if value >= lower:
            label = name
    return label


def shown_counts(combinations: dict[int, tuple[str, ...]], k: int = K) -> dict[int, int]:
    """For each firm, how many of its quasi-identifiers (in order) can be shown.

    The rest are withheld. Every combination shown, withheld parts included, is then shared
    by at least k firms; only a cohort of fewer than k firms, all withheld, falls short.
    """
    shown = {firm: len(values) for firm, values in combinations.items()}

    def released(firm: int) -> tuple[str, ...]:
        values = combinations[firm]
        return values[: shown[firm]] + (WITHHELD,) * (len(values) - shown[firm])

    rare = True
    while rare:
        groups = Counter(released(firm) for firm in shown)
        rare_firms = [f for f in shown if shown[f] > 0 and groups[released(f)] < k]
        for firm in rare_firms:
            shown[firm] -= 1
        rare = bool(rare_firms)
    _fill_the_fully_withheld(shown, released, k)
    return shown


def _fill_the_fully_withheld(
    shown: dict[int, int], released: Callable[[int], tuple[str, ...]], k: int
) -> None:
    """Fewer than k firms with everything withheld: add firms from the largest groups."""
    withheld = sum(1 for count in shown.values() if count == 0)
    if not 0 < withheld < k:
        return
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for firm, count in shown.items():
        if count > 0:
            groups[released(firm)].append(firm)
    for members in sorted(groups.values(), key=len, reverse=True):
        needed = k - withheld
        if needed <= 0:
            return
        moved = members[-needed:] if len(members) - needed >= k else members
        for firm in moved:
            shown[firm] = 0
        withheld += len(moved)
