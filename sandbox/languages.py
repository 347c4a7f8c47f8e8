"""Languages as data: the one table of the languages programs are written in (DMOJ executors are the model).

A spec says what the language is called (``key``, the name every other part of the project uses, and a
display name), which file endings its sources have, how to compile (an argv run inside the sandbox, in the
program's directory), how to run, which files make up the compiled program, and a tiny self-test program
with its expected output. The solver adds only how it asks a model for code in a language
(``solver.solve.languages``) and what a new file starts with (``solver.practice.langs``), keyed by ``key``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sandbox.api import Source

# The precompiled bits/stdc++.h lives in the image at PCH_ROOT/<lang>/bits/; compiling with
# -I PCH_ROOT/<lang> makes `#include <bits/stdc++.h>` find the copy next to its .gch first.
PCH_ROOT = "/opt/judge/pch"

# Link C and C++ with mold (in the image): a static C++ program links in ~50 ms instead of ~120 ms of CPU
# with ld.bfd, and a first-try problem compiles five programs. --no-fork: mold otherwise leaves a child
# finishing up after the compiler returns, uncounted in the compile's CPU time and killed by the cleanup.
# Where mold is missing (an image from an older recipe, the local backend on a host without it) the
# runner drops these flags, so ld.bfd links as before.
LINK_FLAGS = ("-fuse-ld=mold", "-Wl,--no-fork")


@dataclass(frozen=True)
class Language:
    key: str
    name: str  # shown to people and in prompts: "C++17 (GNU g++ -O2 -std=gnu++17)"
    suffixes: tuple[str, ...]  # file endings of its sources (lower-case); the first is the one written
    src: str  # source file name inside the program directory
    compile: tuple[str, ...]  # argv; empty: nothing to compile
    run: tuple[str, ...]  # argv
    artifacts: tuple[str, ...]  # files the run needs, shipped between workers
    selftest: str
    selftest_output: str = "Hello, World!\n"
    pch_flags: tuple[str, ...] = ()  # the exact flags the header is precompiled with (C++ only)

    @property
    def has_pch(self) -> bool:
        return bool(self.pch_flags)

    @property
    def tools(self) -> tuple[str, ...]:
        """The programs it needs from PATH (compiler, interpreter); the image has them all."""
        found = [argv[0] for argv in (self.compile, self.run) if argv and not argv[0].startswith("./")]
        return tuple(dict.fromkeys(found))

    @property
    def suffix(self) -> str:
        """The file ending a source of this language is written with (".cpp", ".c", ".py")."""
        return self.suffixes[0]


_CPP_TEST = """#include <bits/stdc++.h>
int main() { std::string s; std::getline(std::cin, s); std::cout << s << std::endl; }
"""
_C_TEST = """#include <stdio.h>
#include <math.h>
int main(void) { char s[64]; if (!fgets(s, sizeof s, stdin)) return 1;
  printf("%s", s); return (int)sqrt(0.0); }
"""
_PY_TEST = "print(input())\n"


def _cpp(key: str, std: str) -> Language:
    flags = ("-O2", f"-std={std}", "-DONLINE_JUDGE")
    return Language(
        key=key,
        name=f"C++{std[-2:]} (GNU g++ -O2 -std={std})",
        suffixes=(".cpp", ".cc", ".cxx", ".c++"),
        src="main.cpp",
        compile=("g++", *flags, "-I", f"{PCH_ROOT}/{key}", "-static", *LINK_FLAGS, "-pipe", "-o", "main", "main.cpp"),
        run=("./main",),
        artifacts=("main",),
        selftest=_CPP_TEST,
        pch_flags=flags,
    )


# In table order: where two languages share a file ending, a file is taken for the first (cpp17, python3).
LANGUAGES: dict[str, Language] = {
    "cpp17": _cpp("cpp17", "gnu++17"),
    "cpp20": _cpp("cpp20", "gnu++20"),
    "c11": Language(
        key="c11",
        name="C11 (GNU gcc -O2 -std=gnu11)",
        suffixes=(".c",),
        src="main.c",
        compile=(
            "gcc",
            "-O2",
            "-std=gnu11",
            "-DONLINE_JUDGE",
            # Linked dynamically, as Codeflaws' reference judge (gcc -std=c99 -O2) does: old Codeforces C
            # reads long long with the MSVC "%I64d", which glibc takes as a 32-bit int, leaving the upper
            # half to what the stack held before main: zero after the dynamic loader, garbage after static
            # start-up code. Accepted submissions relying on it then pass here as they did there.
            *LINK_FLAGS,
            "-pipe",
            "-o",
            "main",
            "main.c",
            "-lm",
        ),
        run=("./main",),
        artifacts=("main",),
        selftest=_C_TEST,
    ),
    "python3": Language(
        key="python3",
        name="Python 3 (CPython)",
        suffixes=(".py",),
        src="main.py",
        # A syntax error is a compilation error on Codeforces too; the .pyc is not shipped.
        compile=("python3", "-S", "-c", "import py_compile,sys; py_compile.compile('main.py', doraise=True)"),
        run=("python3", "-S", "main.py"),
        artifacts=("main.py",),
        selftest=_PY_TEST,
    ),
    "pypy3": Language(
        key="pypy3",
        name="Python 3 (PyPy)",
        suffixes=(".py",),
        src="main.py",
        compile=("pypy3", "-c", "import ast,sys; ast.parse(open('main.py','rb').read(), 'main.py')"),
        run=("pypy3", "main.py"),
        artifacts=("main.py",),
        selftest=_PY_TEST,
    ),
}

ALIASES = {
    "cpp": "cpp17",
    "c++": "cpp17",
    "c++17": "cpp17",
    "c++20": "cpp20",
    "c": "c11",
    "py": "python3",
    "python": "python3",
    "pypy": "pypy3",
}


def get(key: str) -> Language:
    """The spec for a language key (or a common alias); KeyError names the choices."""
    spec = LANGUAGES.get(ALIASES.get(key.lower(), key.lower()))
    if spec is None:
        raise KeyError(f"unknown language {key!r}; choose one of: {', '.join(LANGUAGES)}")
    return spec


def known_suffixes() -> tuple[str, ...]:
    """Every file ending a language is detected from, sorted."""
    return tuple(sorted({sfx for spec in LANGUAGES.values() for sfx in spec.suffixes}))


def find(filename: str) -> Language | None:
    """The language of a source file from its ending (.cpp -> cpp17, .c -> c11, .py -> python3), or None."""
    lower = filename.lower()
    return next((spec for spec in LANGUAGES.values() if lower.endswith(spec.suffixes)), None)


def detect(filename: str) -> Language:
    """``find``, or a KeyError naming the known endings."""
    spec = find(filename)
    if spec is None:
        raise KeyError(
            f"cannot tell the language of {filename!r} from its ending (known: {', '.join(known_suffixes())}); "
            "pass --lang"
        )
    return spec


def read_source(path: Path, lang: str | None = None) -> Source:
    """A program from a file: its language ``lang`` (a key or alias), else from the file ending. ValueError says
    what is wrong (no such file, an unknown language or ending), for the caller's usage error."""
    if not path.is_file():
        raise ValueError(f"no such source file: {path}")
    try:
        spec = get(lang) if lang else detect(path.name)
    except KeyError as e:
        raise ValueError(str(e.args[0])) from None
    return Source(path.read_text(encoding="utf-8", errors="replace"), spec.key)
