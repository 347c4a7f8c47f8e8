"""Cheap fixes of trivial compile errors, made by the harness instead of a model reply.

Small models often forget a standard header (``'vector' was not declared``, ``'ios' has not been declared``),
the ``std`` namespace (``'cin' was not declared in this scope; did you mean 'std::cin'?``) or a typedef they
use out of habit (``'ll' was not declared``). Spending a reply (tens of seconds on a CPU) on that is waste:
``try_fix`` reads g++'s message and the source and returns the fixed source, or None when any error is not of
these kinds (those go to the model, with the compiler's first error: ``first_error``). Pure; ``build_fixing``
is the I/O edge that compiles, tries the fix, and records it as an event.

An error "caused only by" a fixable name includes g++'s follow-on errors: a variable declared with an unknown
type is itself "not declared" later, and the rest of the declaring line fails to parse. Those are accepted
only where they can be such a consequence (on a line using a fixable name, or naming a variable declared with
one); anything else means a real mistake and no fix is tried. The fixed source is compiled before it is used:
if it still fails, the model sees the original program and its first error, as if no fix had been tried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from solver.problem import Problem
from solver.runstore import Run
from solver.solve.programs import Judge, Program, build

BITS = "#include <bits/stdc++.h>"
USING_STD = "using namespace std;"

# Habits of competitive programmers; written with std:: so they do not depend on ``using namespace std``.
ALIASES = {
    "ll": "long long",
    "lli": "long long int",
    "ull": "unsigned long long",
    "ld": "long double",
    "pii": "std::pair<int, int>",
    "pll": "std::pair<long long, long long>",
    "vi": "std::vector<int>",
    "vl": "std::vector<long long>",
    "vll": "std::vector<long long>",
    "vb": "std::vector<bool>",
    "vvi": "std::vector<std::vector<int>>",
    "vvl": "std::vector<std::vector<long long>>",
    "vvll": "std::vector<std::vector<long long>>",
    "vpii": "std::vector<std::pair<int, int>>",
    "vpll": "std::vector<std::pair<long long, long long>>",
}

# Standard names a model uses unqualified; g++ names most of them itself ("did you mean 'std::X'", "'std::X'
# is defined in header"), but not all (``'sort' was not declared; did you mean 'short'?``).
_STD_WORDS = """
    cin cout cerr clog endl ios ios_base istream ostream stringstream istringstream ostringstream getline
    string to_string stoi stol stoll stoul stoull stod vector array deque list forward_list map multimap
    unordered_map set multiset unordered_set stack queue priority_queue bitset pair make_pair tuple make_tuple
    tie get optional sort stable_sort reverse unique lower_bound upper_bound binary_search equal_range min max
    minmax min_element max_element accumulate partial_sum iota fill fill_n count count_if find find_if
    next_permutation prev_permutation swap abs gcd lcm sqrt pow floor ceil round log log2 exp greater less
    function numeric_limits memset memcpy strlen strcmp printf scanf puts putchar getchar fixed setprecision
    setw mt19937 mt19937_64 uniform_int_distribution random_device chrono shuffle iterator begin end
    move emplace distance advance nth_element partition transform all_of any_of none_of size_t int64_t
    uint64_t int32_t uint32_t INT_MAX INT_MIN LLONG_MAX LLONG_MIN UINT_MAX ULLONG_MAX assert hash
"""
STD_NAMES = frozenset(_STD_WORDS.split())
# Names from C headers, declared outside namespace std: only their header is missing, never ``using``.
_C_WORDS = """
    memset memcpy strlen strcmp printf scanf puts putchar getchar size_t int64_t uint64_t int32_t uint32_t
    INT_MAX INT_MIN LLONG_MAX LLONG_MIN UINT_MAX ULLONG_MAX assert
"""
C_NAMES = frozenset(_C_WORDS.split())

_ERROR = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<text>.*)$", re.MULTILINE)
_UNDECLARED = re.compile(
    r"^'(?P<name>\w+)' (?:was not declared in this scope|has not been declared|does not name a type)"
)
_NOT_IN_STD = re.compile(r"^'(?P<name>\w+)' is not a member of 'std'")
# Follow-on errors g++ reports after an unknown type name on the same line.
_FOLLOW_ON = (
    re.compile(r"^expected .* before"),
    re.compile(r"^template argument \d+ is invalid"),
    re.compile(r"^variable or field '\w+' declared void"),
    re.compile(r"^request for member '\w+' in '\w+', which is of non-class type"),
    re.compile(r"^'\w+' was not declared in this scope"),
    re.compile(r"^invalid type in declaration"),
)


@dataclass(frozen=True)
class Fix:
    source: str
    kinds: tuple[str, ...]  # "header", "std", "alias": what was missing
    names: tuple[str, ...]  # the names the compiler did not know
    added: tuple[str, ...]  # the lines the harness added


@dataclass(frozen=True)
class _Error:
    line: int  # in the source (0: not in the source, e.g. a system header)
    text: str  # the message after "error: "
    block: str  # the error line with the notes and source excerpts that follow it


_CONTEXT = re.compile(r"^[^:\n]+: In [^\n]*:$")  # "main.cpp: In function 'int main()':"


def _blocks(message: str) -> list[tuple[re.Match[str], int, int]]:
    """Each error line's match and its block's span: from the line naming the enclosing function (when it is
    right before) to the next error's block."""
    found = list(_ERROR.finditer(message))
    starts = []
    for m in found:
        start = m.start()
        prev = message.rfind("\n", 0, max(0, start - 1)) + 1
        if start > 0 and _CONTEXT.match(message[prev : start - 1]):
            start = prev
        starts.append(start)
    return [(m, starts[k], starts[k + 1] if k + 1 < len(found) else len(message)) for k, m in enumerate(found)]


def errors(message: str) -> list[_Error]:
    """The compiler's errors in order, each with the lines explaining it (up to the next error)."""
    out = []
    for m, start, end in _blocks(message):
        line = int(m["line"]) if m["file"].endswith("main.cpp") else 0
        out.append(_Error(line, m["text"], message[start:end].rstrip("\n")))
    return out


def first_error(message: str, max_chars: int = 2500) -> str:
    """The compiler's first error with its context (the function it is in, its notes), never a middle part.

    Without a recognisable error line (another compiler, a killed compile), the message from its start.
    """
    errs = errors(message)
    text = errs[0].block if errs else message.strip()
    if len(text) > max_chars:
        text = text[:max_chars] + "\n..."
    return text


def error_lines(message: str) -> list[str]:
    """One line per error (without the notes), in the compiler's order."""
    return [m.group(0) for m in _ERROR.finditer(message)]


def _defined(source: str, name: str) -> bool:
    pattern = rf"^\s*(?:typedef\b.*\b{name}\s*;|using\s+{name}\s*=|#define\s+{name}\b)"
    return re.search(pattern, source, re.M) is not None


def _std_name(name: str, block: str) -> bool:
    return (
        name in STD_NAMES
        or f"'std::{name}'" in block
        or f"'{name}' is defined in header" in block
    )


def _follow_on(err: _Error, source_lines: list[str], names: set[str], source: str) -> bool:
    """Whether ``err`` can be a consequence of the unknown ``names`` rather than a mistake of its own."""
    if not any(p.search(err.text) for p in _FOLLOW_ON):
        return False
    here = source_lines[err.line - 1] if 0 < err.line <= len(source_lines) else ""
    if any(re.search(rf"\b{re.escape(n)}\b", here) for n in names):
        return True
    m = _UNDECLARED.match(err.text)
    if m is None:
        return False
    # a variable declared with an unknown type: "ll n;" makes every later use of n "not declared" (a function
    # with such a parameter too: "void add(vi& g)" is "declared void", and later calls "not declared")
    var = re.escape(m["name"])
    for n in map(re.escape, names):
        if re.search(rf"\b{n}\b[^;{{}}()]*\b{var}\b", source):
            return True
        if re.search(rf"\b{var}\s*\([^)]*\b{n}\b", source):  # a function with a parameter of that type
            return True
    return False


def try_fix(message: str, source: str, lang: str = "cpp17") -> Fix | None:
    """The source with the missing header, ``using namespace std`` or aliases added; None unless every error
    is one of those (or follows from one). A source that compiles has no errors, so it is never changed."""
    if not lang.startswith("cpp"):
        return None
    errs = errors(message)
    if not errs:
        return None
    has_bits = re.search(r"^\s*#\s*include\s*<bits/stdc\+\+\.h>", source, re.M) is not None
    has_using = re.search(r"^\s*using\s+namespace\s+std\s*;", source, re.M) is not None
    kinds: set[str] = set()
    names: list[str] = []
    aliases: list[str] = []
    rest: list[_Error] = []
    for err in errs:
        m = _UNDECLARED.match(err.text)
        if m is not None and m["name"] in ALIASES and not _defined(source, m["name"]):
            aliases.append(m["name"])
            kinds.add("alias")
        elif m is not None and _std_name(m["name"], err.block) and not (has_bits and has_using):
            in_std = f"'std::{m['name']}'" in err.block or m["name"] not in C_NAMES
            needs = ({"header"} if not has_bits else set()) | ({"std"} if in_std and not has_using else set())
            if not needs:
                rest.append(err)  # a global name with its header present: not what we fix
                continue
            kinds |= needs
        elif (s := _NOT_IN_STD.match(err.text)) is not None and not has_bits:
            kinds.add("header")
            names.append(s["name"])
            continue
        else:
            rest.append(err)
            continue
        names.append(m["name"])
    if not kinds:
        return None
    source_lines = source.splitlines()
    if any(not _follow_on(e, source_lines, set(names), source) for e in rest):
        return None
    return _apply(source, kinds, list(dict.fromkeys(aliases)), has_bits, has_using, tuple(dict.fromkeys(names)))


def _apply(
    source: str, kinds: set[str], aliases: list[str], has_bits: bool, has_using: bool, names: tuple[str, ...]
) -> Fix:
    lines = source.splitlines()
    added: list[str] = []
    # after the last #include (and ``using namespace std``): the names they declare are known there
    tops = [k for k, line in enumerate(lines) if re.match(r"\s*(#\s*include\b|using\s+namespace\s+std\s*;)", line)]
    at = tops[-1] + 1 if tops else 0
    after: list[str] = []
    if "std" in kinds and not has_using:
        after.append(USING_STD)
    after += [f"using {a} = {ALIASES[a]};" for a in aliases]
    lines[at:at] = after
    added += after
    if ("header" in kinds or aliases) and not has_bits:
        lines.insert(0, BITS)  # first, so the precompiled header is used
        added.insert(0, BITS)
    fixed = "\n".join(lines) + ("\n" if source.endswith("\n") or not source else "")
    return Fix(fixed, tuple(k for k in ("header", "std", "alias") if k in kinds), names, tuple(added))


async def build_fixing(judge: Judge, run: Run, problem: Problem, name: str, code: str, lang: str) -> Program:
    """``programs.build``, with a trivial compile error fixed by the harness (an event, no model reply).

    Returns the fixed program when the fix compiles; otherwise the original one (its file restored), whose
    message then goes to the model.
    """
    program = await build(judge, run, problem, name, code, lang)
    if program.ok:
        return program
    fix = try_fix(program.compiled.message, code, lang)
    if fix is None:
        return program
    fixed = await build(judge, run, problem, name, fix.source, lang)
    run.append(
        "compile_fixed" if fixed.ok else "compile_fix_failed",
        problem=str(problem.id),
        program=name,
        fixes=list(fix.kinds),
        names=list(fix.names),
        added=list(fix.added),
        error=first_error(program.compiled.message, 1000),
    )
    if fixed.ok:
        return fixed
    run.write_file(program.path, code)  # the model repairs what it wrote, not the harness's attempt
    return program
