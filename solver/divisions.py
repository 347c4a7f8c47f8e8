"""The one division classifier: which division a Codeforces contest's name states.

Codeforces says it only in the name: "(Div. 2)", "Educational ... (Rated for Div. 2)", "Global Round",
"(Div. 1 + Div. 2)", "(Div.1 + Div.2, Rated, ...)", "(Div. 1 + 2)". The sources (``contest.list``, the
standings header) and contest selection both call ``classify_division``, so ``rate --division 1+2``
selects and reports by the same answer. A name that states no division ("Good Bye 2017", "Kotlin Heroes:
Episode 10", "April Fools Day Contest 2024", an unrated mirror) gets None, shown as "unknown"; whether a
contest is rated is decided by its rating changes, not by its name.

Below every package that needs it (``solver.sources`` and ``solver.contest``); it imports nothing of
the solver.
"""

from __future__ import annotations

import re

DIVISIONS = ("1", "2", "3", "4", "1+2", "edu", "global")

_EDU = re.compile(r"\beducational\b", re.I)
_GLOBAL = re.compile(r"\bglobal\s+round\b", re.I)
_DIV = r"div(?:ision)?\.?\s*"
# "Div. 1 + Div. 2", "Div. 1 + 2", "Div.1+Div.2", "Div. 1, Div. 2", "Div. 1 and Div. 2"
_DIV12 = re.compile(rf"\b{_DIV}1\s*(?:\+|,|&|and)\s*(?:{_DIV})?2\b", re.I)
_ONE = re.compile(rf"\b{_DIV}([1-4])\b", re.I)


def classify_division(name: str) -> str | None:
    """The division a contest's name states: "1", "2", "3", "4", "1+2", "edu", "global", or None."""
    if _EDU.search(name):
        return "edu"
    if _GLOBAL.search(name):
        return "global"
    if _DIV12.search(name):
        return "1+2"
    m = _ONE.search(name)
    return m.group(1) if m else None


def division_key(text: str) -> str | None:
    """A division as a user writes it ("Div. 2", "educational", "1 + 2", "div1+div2") in the form above."""
    t = re.sub(r"\s+", "", text.strip().lower())
    t = {"educational": "edu", "12": "1+2", "globalround": "global"}.get(t, t)
    if t in DIVISIONS:
        return t
    if re.fullmatch(r"div(?:ision)?\.?[1-4]", t) or re.fullmatch(rf"{_DIV}1\+(?:{_DIV})?2", t):
        return classify_division(t)
    return None
