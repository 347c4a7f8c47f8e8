"""CodeElo's rows become Problems the solver can work on (no model needed): the real-model test and benchmarks
build their problems this way."""

from __future__ import annotations

from pathlib import Path

from solver.problem import ProblemId
from solver.sources.store import ProblemStore
from tests.realmodel.codeelo import codeelo_problem, load_rows, problem_from_row


def test_1999A_as_the_statement_gives_it(shared_data: Path) -> None:
    p = codeelo_problem(shared_data, "1999A")
    assert p.id == ProblemId.parse("1999A") and p.name == "A+B Again?"
    assert (p.time_limit_s, p.memory_limit_mb, p.rating) == (1.0, 256, 800)
    assert "sum of its digits" in p.statement and "$10 \\leq n \\leq 99$" in p.input_spec
    assert len(p.samples) == 1
    assert p.samples[0].input.split() == ["8", "77", "21", "40", "34", "19", "84", "10", "99"]
    assert p.samples[0].output.split() == ["14", "3", "4", "7", "10", "12", "1", "18"]
    assert not p.interactive and not p.several_answers


def test_several_answers_and_interaction_are_read_from_the_text(shared_data: Path) -> None:
    assert codeelo_problem(shared_data, "1999D").several_answers  # "you can output any of them"
    rows = load_rows(shared_data)
    interactive = [problem_from_row(r) for r in rows if r["interaction"].strip()]
    assert interactive and all(p.interactive for p in interactive)


def test_every_row_converts_and_round_trips_through_the_store(shared_data: Path, tmp_path: Path) -> None:
    store = ProblemStore(tmp_path)
    rows = load_rows(shared_data)
    assert len(rows) == 408
    for row in rows:
        p = problem_from_row(row)
        # Each example is a body row (some rows hold several tables, each with its own header row).
        assert len(p.samples) == row["examples"].count("<tr>") - row["examples"].count("<thead>") > 0
        assert all(s.input.strip() for s in p.samples)
        store.save(p, source="codeelo")
        assert store.load(p.id) == p
