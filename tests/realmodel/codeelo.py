"""CodeElo's problem rows (``codeforces/codeelo_problems_2024.json`` in the shared data) as the project's Problems.

CodeElo keeps the statement in Markdown with $TeX$ (legend, input, output, interaction, note) and the examples as
an HTML table, one row per example with an input and an output <pre>. The row says nothing of several correct
answers or of interaction beyond its text, so both are read from the text as the Codeforces page parser does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from solver.problem import Problem, ProblemId, Sample
from solver.sources.cf_html import several_answers_in

CODEELO_FILE = Path("codeforces") / "codeelo_problems_2024.json"


def samples_of(examples_html: str) -> tuple[Sample, ...]:
    """The examples table's rows, each a (input, output) pair of <pre> texts."""
    out: list[Sample] = []
    for row in BeautifulSoup(examples_html, "html.parser").select("tbody tr"):
        pres = row.find_all("pre")
        if len(pres) != 2:
            raise ValueError(f"an example row with {len(pres)} <pre> blocks, not an input and an output")
        out.append(Sample(pres[0].get_text(), pres[1].get_text()))
    return tuple(out)


def problem_from_row(row: Mapping[str, Any]) -> Problem:
    interaction = str(row.get("interaction") or "")
    return Problem(
        id=ProblemId.parse(str(row["problem_id"])),
        name=str(row["title"]),
        time_limit_s=int(row["time_limit_ms"]) / 1000,
        memory_limit_mb=int(row["memory_limit_mb"]),
        statement=str(row["description"]),
        input_spec=str(row["input"]),
        output_spec=str(row["output"]),
        samples=samples_of(str(row["examples"])),
        notes=str(row.get("note") or ""),
        interaction=interaction,
        interactive=bool(interaction.strip()),
        several_answers=several_answers_in(f"{row['description']}\n{row['output']}"),
        rating=row.get("rating"),
        tags=tuple(row.get("tags") or ()),
        url=str(row.get("url") or ""),
    )


def load_rows(shared_data: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((shared_data / CODEELO_FILE).read_text(encoding="utf-8"))
    return rows


def codeelo_problem(shared_data: Path, problem_id: str) -> Problem:
    for row in load_rows(shared_data):
        if row["problem_id"] == problem_id:
            return problem_from_row(row)
    raise KeyError(f"{problem_id} is not in {shared_data / CODEELO_FILE}")
