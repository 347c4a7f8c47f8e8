"""Inputs derived from the examples (pure): what is changed, what is never touched, known answers."""

from __future__ import annotations

from solver.solve.derive import derive, suspect


def test_multitest_cases_reordered_and_alone_with_known_answers() -> None:
    d = {x.name: x for x in derive([("2\n1 2\n3 4\n", "3\n7\n")])}
    assert d["example-1-reversed"].input == "2\n3 4\n1 2\n" and d["example-1-reversed"].answer == "7\n3\n"
    assert d["example-1-case-2"].input == "1\n3 4\n" and d["example-1-case-2"].answer == "7\n"
    values = [x for x in d.values() if x.how == "values"]
    assert values and all(x.answer is None for x in values)
    assert all(x.input.splitlines()[0] == "2" for x in values)  # the number of cases is never changed


def test_several_answers_or_multi_line_outputs_leave_answers_unknown() -> None:
    assert all(x.answer is None for x in derive([("2\n1 2\n3 4\n", "3\n7\n")], several_answers=True))
    assert all(x.answer is None for x in derive([("2\n1 2\n3 4\n", "3\nyes\n7\nno\n")]))


def test_counts_and_sizes_are_never_changed() -> None:
    # n on the first line; an edge list whose length is m: only values inside the lists may move
    for inp in ("5 3\n1 2 3 4 5\n", "4 3\n1 2\n2 3\n3 4\n", "3\n1 5 2\n"):
        for x in derive([(inp, "1\n")]):
            assert x.input.splitlines()[0] == inp.splitlines()[0]
            assert [len(line.split()) for line in x.input.splitlines()] == [
                len(line.split()) for line in inp.splitlines()
            ]


def test_values_lowered_within_the_example_and_never_below_one() -> None:
    (x,) = derive([("4 of week\n", "52\n")])
    assert x.input == "3 of week\n" and x.how == "values"
    assert derive([("1\n", "2\n")]) == []  # 1 cannot be lowered safely; nothing else to change


def test_suspect_when_outputs_ignore_the_input() -> None:
    ds = derive([("4\n", "8\n"), ("30\n", "60\n")])
    names = [x.name for x in ds]
    assert names == ["example-1-values-1", "example-2-values-1"]
    right = {"example-1-values-1": "6", "example-2-values-1": "58"}
    assert suspect(ds, right, {1: "8", 2: "60"}) == ""
    zeros = {"example-1-values-1": "0", "example-2-values-1": "0"}
    assert "same output on every changed copy" in suspect(ds, zeros, {1: "8", 2: "60"})
    constant = {"example-1-values-1": "8\n", "example-2-values-1": "61"}
    assert "Example 1 did not change" in suspect(ds, constant, {1: "8", 2: "60"})
