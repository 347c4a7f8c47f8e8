"""The prompts: Jinja2 templates in ``prompts/``, rendered with undefined variables as errors.

Each stage's template starts from ``_problem.j2`` and states its task under a ``# Task:`` heading.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from solver.llm.base import Message

PROMPTS = Path(__file__).resolve().parent / "prompts"
STAGES = ("draft", "repair", "brute", "generator", "validator", "maxgen", "checker", "interactor")


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS),
        undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, never an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(name: str, **context: Any) -> str:
    """Render ``prompts/NAME.j2``; raises jinja2.UndefinedError on any missing variable."""
    text = _env().get_template(f"{name}.j2").render(**context)
    # Collapse runs of blank lines left by optional sections; models read prose, not layout.
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def messages(stage: str, **context: Any) -> tuple[Message, ...]:
    """The chat for one stage: the shared system prompt, then the stage's prompt."""
    return (Message("system", render("system")), Message("user", render(stage, **context)))
