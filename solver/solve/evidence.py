"""Concrete evidence for a repair prompt: what was run, what was expected, what happened. Pure.

A model repairs well from facts (the input, the expected and actual output, the first difference, the time
against the limit, the compiler's message) and badly from "it is wrong". Long texts are cut with a note so a
prompt never explodes; a max-size input is described by its size and first lines.
"""

from __future__ import annotations

from sandbox.api import RunResult, TestResult, Verdict
from sandbox.diff import describe
from solver.solve import compile_fix

MAX_CHARS = 1500
MAX_LINES = 40


def clip(text: str, max_chars: int = MAX_CHARS, max_lines: int = MAX_LINES) -> str:
    """``text`` cut to a readable size, saying how much was left out."""
    lines = text.splitlines()
    out = "\n".join(lines[:max_lines])
    if len(out) > max_chars:
        out = out[:max_chars]
    if len(out) < len(text.rstrip("\n")):
        rest = len(text) - len(out)
        out = out.rstrip("\n") + f"\n... ({rest} more characters, {len(text.splitlines())} lines in all)"
    return out


def decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


COMPILE_HEAD = "The program does not compile. The compiler's first error:"


def compile_error(message: str) -> str:
    """The compiler's first error in full (later ones are often its consequences), then one line per other
    error; never a middle part cut out of a long message."""
    first = compile_fix.first_error(message)
    text = COMPILE_HEAD + "\n```\n" + first + "\n```"
    rest = compile_fix.error_lines(message)[1:]
    if rest:
        shown = "\n".join(line[:300] for line in rest[:8])
        more = f"\n... ({len(rest) - 8} more)" if len(rest) > 8 else ""
        text += f"\nFurther errors (one line each):\n```\n{shown}{more}\n```"
    return text


def first_compiler_error(message: str) -> str:
    """The compiler's first error line, whole ("a.cpp:5:3: error: 'vector' was not declared in this scope"):
    the line a note must keep. A line naming an error, else the first line."""
    found = compile_fix.error_lines(message)
    if found:
        return found[0].strip()
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for marker in (" error:", "error:", "error"):
        hit = next((line for line in lines if marker in line.lower()), None)
        if hit is not None:
            return hit
    return lines[0] if lines else ""


def headline(feedback: str) -> str:
    """One line for a note about a failed program: for a compile error its first error (not the header)."""
    text = feedback.strip()
    if text.startswith(COMPILE_HEAD):
        return "does not compile: " + first_compiler_error(text[len(COMPILE_HEAD):].replace("```", ""))
    return text.splitlines()[0] if text else ""


VALIDATOR_FAULT = "the validator itself"
# A validator that fails this way failed itself: it did not reject the input it was given.
_CRASH_SIGNALS = {4: "SIGILL", 7: "SIGBUS", 8: "SIGFPE", 11: "SIGSEGV"}


def validator_fault(result: TestResult) -> str | None:
    """Why a validator's run is its own failure rather than a rejection of its input, or None.

    A validator rejects by exiting non-zero (testlib exits 3; an ``assert`` aborts with SIGABRT). Running
    out of time or memory, or a crash signal, says nothing about the input: the validator is at fault.
    """
    run = result.run
    if result.verdict in (Verdict.TLE, Verdict.ILE, Verdict.MLE, Verdict.OLE, Verdict.JE):
        return f"{VALIDATOR_FAULT} failed on it ({result.verdict.long}{': ' + run.detail if run.detail else ''})"
    if result.verdict is Verdict.RE and run.signal in _CRASH_SIGNALS:
        return f"{VALIDATOR_FAULT} crashed on it (killed by {_CRASH_SIGNALS[run.signal]})"
    return None


def describe_input(data: str, large: bool) -> str:
    if not large:
        return "Input:\n```\n" + clip(data) + "\n```"
    head = "\n".join(data.splitlines()[:3])
    return (
        f"Input: a maximum-size test ({len(data)} bytes, {len(data.splitlines())} lines), "
        f"starting with:\n```\n{clip(head, 300, 3)}\n```"
    )


def wrong_answer(input_: str, expected: str | None, actual: str, detail: str = "", large: bool = False) -> str:
    parts = [describe_input(input_, large)]
    if expected is not None:
        parts.append("Expected output:\n```\n" + clip(expected) + "\n```")
    parts.append("Your program's output:\n```\n" + (clip(actual) if actual.strip() else "(nothing)") + "\n```")
    if detail:
        parts.append(f"Checker: {detail}")
    elif expected is not None:  # the sandbox's own account, with the test case of a multi-test input
        where = describe(actual.encode(), expected.encode(), input_.encode())
        parts.append(where or "The tokens are equal: the difference is in whitespace only.")
    return "\n".join(parts)


def time_limit(input_: str, run: RunResult, limit_s: float, large: bool) -> str:
    return (
        f"Time limit exceeded: CPU time {run.cpu_s:.2f} s (wall {run.wall_s:.2f} s) against the limit of "
        f"{limit_s:g} s. The algorithm is too slow for the largest inputs: find a lower complexity.\n"
        + describe_input(input_, large)
    )


def runtime_error(input_: str, run: RunResult, large: bool) -> str:
    what = run.detail or (f"exit code {run.exit_code}" if run.exit_code is not None else "killed")
    if run.signal is not None and not run.detail:
        what = f"killed by signal {run.signal}"
    text = f"Runtime error ({what}).\n" + describe_input(input_, large)
    err = decode(run.stderr).strip()
    if err:
        text += "\nStandard error:\n```\n" + clip(err, 800, 15) + "\n```"
    return text


def from_test(
    result: TestResult,
    input_: str,
    expected: str | None,
    limit_s: float,
    large: bool = False,
    where: str = "",
) -> str:
    """Evidence for one failed test, whatever its verdict; ``where`` names the test ("Example 2", ...)."""
    run = result.run
    head = f"On {where}: " if where else ""
    v = result.verdict
    if v is Verdict.TLE or v is Verdict.ILE:
        body = time_limit(input_, run, limit_s, large)
    elif v is Verdict.RE:
        body = runtime_error(input_, run, large)
    elif v is Verdict.MLE:
        body = f"Memory limit exceeded ({run.memory_kb // 1024} MB used).\n" + describe_input(input_, large)
    elif v is Verdict.OLE:
        body = "Output limit exceeded: the program printed far too much.\n" + describe_input(input_, large)
    else:
        detail = result.check.message if result.check and result.check.message else result.diff
        if expected is not None and not (result.check and result.check.message):
            detail = ""  # our own first difference is more precise than a generic diff line
        body = f"{v.long}.\n" + wrong_answer(input_, expected, decode(run.stdout), detail, large)
    return head + body
