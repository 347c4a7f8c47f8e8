"""How the solver asks a model for code in a language: fence tags and the conventions the prompt states.

The languages themselves (names, file endings, compilers) are the sandbox's table
(``sandbox.languages.LANGUAGES``); a style only adds prompt wording, keyed by the sandbox's language key.
"""

from __future__ import annotations

from dataclasses import dataclass

import sandbox.languages
from solver.errors import UsageError


@dataclass(frozen=True)
class PromptStyle:
    key: str  # the sandbox's language key
    fence: str  # the tag the model is asked to put on its code block
    tags: tuple[str, ...]  # every fence tag accepted as this language (lower-case)
    conventions: tuple[str, ...]  # one line each, shown in the prompt
    looks_like: tuple[str, ...]  # substrings that identify an untagged block as this language

    @property
    def name(self) -> str:
        """What the prompt calls the language: the sandbox's display name."""
        return sandbox.languages.LANGUAGES[self.key].name


CPP17 = PromptStyle(
    key="cpp17",
    fence="cpp",
    tags=("cpp", "c++", "cc", "cxx", "cpp17", "cpp20", "gnu++17", "h"),
    conventions=(
        "Read standard input, write standard output; no files, no prompts, no extra text.",
        "Use fast I/O: ios::sync_with_stdio(false); cin.tie(nullptr); end lines with '\\n', not endl.",
        "Use long long wherever a value or a sum can exceed 2^31 - 1.",
        "You may #include <bits/stdc++.h>. Avoid recursion deeper than about 10^6 frames.",
        "Return 0 from main.",
    ),
    looks_like=("#include", "int main", "using namespace std"),
)

PYTHON3 = PromptStyle(
    key="python3",
    fence="python",
    tags=("python", "python3", "py", "py3"),
    conventions=(
        "Read standard input, write standard output; no files, no prompts, no extra text.",
        "Read everything at once: data = sys.stdin.buffer.read().split(); write with one sys.stdout.write.",
        "Python is about 50 times slower than C++: at most ~10^7 simple operations per second.",
        "Avoid deep recursion (the default limit is 1000); use iterative algorithms.",
    ),
    looks_like=("import sys", "def main", "input()", "print("),
)

# The languages the model may be asked to write in (a subset of the sandbox's).
PROMPT_STYLES: dict[str, PromptStyle] = {style.key: style for style in (CPP17, PYTHON3)}
assert set(PROMPT_STYLES) <= set(sandbox.languages.LANGUAGES), "a prompt style for a language the sandbox lacks"


def prompt_style(key: str) -> PromptStyle:
    try:
        return PROMPT_STYLES[key]
    except KeyError:
        raise UsageError(
            f"unknown language {key!r}; choose one of: {', '.join(sorted(PROMPT_STYLES))}"
        ) from None
