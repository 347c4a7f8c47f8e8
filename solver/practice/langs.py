"""The language of the user's solution, from its file name (pure), and what a new file starts with.

The languages and their file endings are the sandbox's table (``sandbox.languages.LANGUAGES``); this module
adds only the templates, keyed by the sandbox's language keys.
"""

from __future__ import annotations

from pathlib import PurePath

from sandbox.languages import LANGUAGES, find, known_suffixes
from solver.errors import UsageError

LANGS = tuple(LANGUAGES)

_CPP = "#include <bits/stdc++.h>\nusing namespace std;\n\nint main() {\n    \n    return 0;\n}\n"
_PY = "import sys\n\n\ndef main() -> None:\n    data = sys.stdin.read().split()\n\n\nmain()\n"

# What a new solution file starts with, so `edit` opens something that compiles.
TEMPLATES: dict[str, str] = {
    "cpp17": _CPP,
    "cpp20": _CPP,
    "c11": "#include <stdio.h>\n\nint main(void) {\n    \n    return 0;\n}\n",
    "python3": _PY,
    "pypy3": _PY,
}
assert set(TEMPLATES) == set(LANGUAGES), "a template for every language of the sandbox, and no other"


def detect_lang(path: PurePath, override: str | None = None) -> str:
    """The sandbox language for ``path``; an explicit override (the `lang` command) wins."""
    if override is not None:
        return override
    spec = find(path.name)
    if spec is None:
        known = ", ".join(known_suffixes())
        raise UsageError(f"cannot tell the language of {path.name} (known endings: {known}); use `lang NAME`")
    return spec.key


def extension(lang: str) -> str:
    """The file ending of a solution in ``lang`` (".cpp", ".c", ".py")."""
    return LANGUAGES[lang].suffix
