"""Which comparison a problem's outputs need, read from its statement. Pure.

Codeforces judges most problems with the token checker; a statement that allows an absolute or relative
error needs the numbers checker, and YES/NO answers "in any case" the case-insensitive one. Problems with
several correct answers need a checker program (the model writes one; see ``kit``).
"""

from __future__ import annotations

import re

from sandbox.api import Checker
from solver.problem import Problem

_EPS = re.compile(r"10\s*\^\s*\{?\s*-\s*(\d+)\s*\}?")
_RELATIVE = re.compile(r"(absolute|relative)\s+(or\s+relative\s+)?error", re.IGNORECASE)
_ANY_CASE = re.compile(
    r"(in any case|any register|case[- ]insensitive|upper\s*case or lower\s*case|"
    r"any combination of (upper|lower)|in any letter case|yEs)",
)


def standard_checker(problem: Problem) -> Checker:
    """The built-in checker the statement calls for (before any model-written checker)."""
    text = f"{problem.output_spec}\n{problem.statement}\n{problem.notes}"
    m = _RELATIVE.search(text)
    if m:
        e = _EPS.search(text[max(0, m.start() - 200) : m.end() + 200])
        return Checker.numbers(10.0 ** -int(e.group(1)) if e else 1e-6)
    if re.search(r"\bYES\b", text) and _ANY_CASE.search(text):
        return Checker.yesno()
    return Checker.tokens()
