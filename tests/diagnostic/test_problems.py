"""A bounded list of problems: the first few shown, the rest counted."""

from diagnostic.problems import ProblemList


def test_the_first_problems_are_kept_and_the_rest_only_counted(english):
    problems = ProblemList((f"Row {n}: bad" for n in range(2, 10_002)), shown=3)
    assert list(problems) == ["Row 2: bad", "Row 3: bad", "Row 4: bad"]
    assert (problems.total, problems.hidden) == (10_000, 9_997)
    assert problems.more() == "…and 9,997 more problems."


def test_one_hidden_problem_is_told_in_the_singular(english):
    problems = ProblemList(["a", "b"], shown=1)
    assert problems.more() == "…and 1 more problem."
    assert str(problems) == "a\n…and 1 more problem."


def test_nothing_more_is_said_when_every_problem_is_shown():
    problems = ProblemList(["a"])
    assert problems and problems.more() == "" and str(problems) == "a"
    assert not ProblemList()
