"""The language of the user's solution, from its file name (pure).

The keys are the sandbox's language names (``sandbox.languages.LANGUAGES``).
"""

from __future__ import annotations

from pathlib import PurePath

from solver.errors import UsageError

EXTENSIONS: dict[str, str] = {
    ".cpp": "cpp17",
    ".cc": "cpp17",
    ".cxx": "cpp17",
    ".c++": "cpp17",
    ".c": "c11",
    ".py": "python3",
}

LANGS = ("cpp17", "cpp20", "c11", "python3", "pypy3")

# What a new solution file starts with, so `edit` opens something that compiles.
TEMPLATES: dict[str, str] = {
    "cpp17": "#include <bits/stdc++.h>\nusing namespace std;\n\nint main() {\n    \n    return 0;\n}\n",
    "cpp20": "#include <bits/stdc++.h>\nusing namespace std;\n\nint main() {\n    \n    return 0;\n}\n",
    "c11": "#include <stdio.h>\n\nint main(void) {\n    \n    return 0;\n}\n",
    "python3": "import sys\n\n\ndef main() -> None:\n    data = sys.stdin.read().split()\n\n\nmain()\n",
    "pypy3": "import sys\n\n\ndef main() -> None:\n    data = sys.stdin.read().split()\n\n\nmain()\n",
}


def detect_lang(path: PurePath, override: str | None = None) -> str:
    """The sandbox language for ``path``; an explicit override (the `lang` command) wins."""
    if override is not None:
        return override
    lang = EXTENSIONS.get(path.suffix.lower())
    if lang is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise UsageError(f"cannot tell the language of {path.name} (known endings: {known}); use `lang NAME`")
    return lang


def extension(lang: str) -> str:
    return {"c11": ".c", "python3": ".py", "pypy3": ".py"}.get(lang, ".cpp")
