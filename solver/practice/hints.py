"""The hint ladder and the review: prompts as template files, and a guard on what comes back.

Each level has its own template (``prompts/<level>.j2``) that says what the level may give and forbids
the rest.
The model may still overstep, so ``guard`` removes code from every answer below the full solution: a nudge
that arrives with a program in it must not show the program.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

from sandbox.api import Source
from solver.llm.base import Message
from solver.practice.model import Hint, HintLevel, JudgeReport
from solver.problem import Problem

PROMPTS = Path(__file__).resolve().parent / "prompts"

TEMPLATE_OF = {
    HintLevel.NUDGE: "nudge.j2",
    HintLevel.KEY_IDEA: "key_idea.j2",
    HintLevel.OUTLINE: "outline.j2",
    HintLevel.FULL: "full_solution.j2",
}

LANG_NAMES = {"cpp17": "C++17", "cpp20": "C++20", "c11": "C", "python3": "Python 3", "pypy3": "Python 3"}

_FENCE = re.compile(r"```[^\n]*\n.*?(?:```|\Z)", re.DOTALL)
WITHHELD = "[code withheld: this hint level gives no code]"


@cache
def _env() -> jinja2.Environment:
    # Undefined variables are errors: a prompt silently missing the statement would be worse than a crash.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render(name: str, **values: object) -> str:
    return _env().get_template(name).render(**values).strip() + "\n"


def hint_messages(
    problem: Problem, level: HintLevel, code: str | None, previous: tuple[Hint, ...], lang: str = "cpp17"
) -> list[Message]:
    values = {
        "problem": problem,
        "level": int(level),
        "label": level.label,
        "code": code or "",
        "previous": previous,
        "lang_name": LANG_NAMES.get(lang, lang),
    }
    return [
        Message("system", render("_system.j2", **values)),
        Message("user", render(TEMPLATE_OF[level], **values)),
    ]


def review_messages(problem: Problem, source: Source, report: JudgeReport | None) -> list[Message]:
    values = {
        "problem": problem,
        "code": source.code,
        "lang_name": LANG_NAMES.get(source.lang, source.lang),
        "report": report,
    }
    return [Message("system", render("review_system.j2")), Message("user", render("review.j2", **values))]


def guard(level: HintLevel, text: str) -> str:
    """What may be shown at ``level``: below the full solution, code blocks are withheld."""
    text = text.strip()
    if level is HintLevel.FULL:
        return text
    return _FENCE.sub(WITHHELD, text).strip()
