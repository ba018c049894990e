"""Problems found in an uploaded file, bounded: the first few are kept to show, the rest counted.

A file with thousands of bad rows must not become a page of thousands of lines, nor a list of
them in memory; the page shows the first ones and says how many more there are.
"""

from collections.abc import Iterable, Iterator

from django.utils.formats import number_format
from django.utils.translation import ngettext

SHOWN = 100


class ProblemList:
    def __init__(self, problems: Iterable[str] = (), *, shown: int = SHOWN) -> None:
        self.limit = shown
        self.shown: list[str] = []
        self.total = 0
        self.extend(problems)

    def add(self, problem: str) -> None:
        self.total += 1
        if len(self.shown) < self.limit:
            self.shown.append(problem)

    def extend(self, problems: Iterable[str]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)

    def more(self) -> str:
        """ "…and 9,900 more problems.", or "" when every problem is shown."""
        if not self.hidden:
            return ""
        return ngettext(
            "…and %(count)s more problem.", "…and %(count)s more problems.", self.hidden
        ) % {"count": number_format(self.hidden, force_grouping=True)}

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.shown)

    def __str__(self) -> str:
        return "\n".join([*self.shown, self.more()]).strip()
