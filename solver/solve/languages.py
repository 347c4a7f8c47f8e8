"""The languages the model may write in, as data: fence tags and the conventions the prompt states."""

from __future__ import annotations

from dataclasses import dataclass

from solver.errors import UsageError


@dataclass(frozen=True)
class Language:
    key: str  # the sandbox's language key
    name: str  # what the prompt calls it
    fence: str  # the tag the model is asked to put on its code block
    tags: tuple[str, ...]  # every fence tag accepted as this language (lower-case)
    conventions: tuple[str, ...]  # one line each, shown in the prompt
    looks_like: tuple[str, ...]  # substrings that identify an untagged block as this language


CPP17 = Language(
    key="cpp17",
    name="C++17 (GNU g++ -O2 -std=gnu++17)",
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

PYTHON3 = Language(
    key="python3",
    name="Python 3 (CPython)",
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

LANGUAGES: dict[str, Language] = {lang.key: lang for lang in (CPP17, PYTHON3)}


def language(key: str) -> Language:
    try:
        return LANGUAGES[key]
    except KeyError:
        raise UsageError(f"unknown language {key!r}; choose one of: {', '.join(sorted(LANGUAGES))}") from None
