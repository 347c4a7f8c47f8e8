"""The code out of a model reply: the last fenced block in the requested language.

Pure. A reply without usable code is a failed attempt with a reason the next prompt can quote, never an
exception: models forget fences, switch languages, or run out of tokens mid-block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from solver.solve.languages import PromptStyle

# An opening fence: at least three backticks (or tildes) at the start of a line, then an optional info string.
_OPEN = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")


@dataclass(frozen=True)
class Block:
    tag: str  # the fence's language tag, lower-cased ("" when untagged)
    code: str
    closed: bool  # False when the reply ended inside the block


@dataclass(frozen=True)
class Extracted:
    """The code when ``ok``, else ``reason`` says why there is none (for the log and the next prompt)."""

    code: str
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def blocks(text: str) -> list[Block]:
    """Every fenced block, in order (CommonMark-style: a closing fence is at least as long as the opening)."""
    out: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group("fence")
        tag = m.group("info").strip().split()[0].lower() if m.group("info").strip() else ""
        body: list[str] = []
        j = i + 1
        closed = False
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                closed = True
                break
            body.append(lines[j])
            j += 1
        out.append(Block(tag, "\n".join(body).strip("\n") + "\n" if body else "", closed))
        i = j + 1
    return out


def _is_lang(block: Block, lang: PromptStyle) -> bool:
    if block.tag:
        return block.tag.lstrip("{.").rstrip("}") in lang.tags
    return any(marker in block.code for marker in lang.looks_like)


def extract_code(reply: str, lang: PromptStyle, done_reason: str = "stop") -> Extracted:
    """The last complete fenced block in ``lang``; an untagged block counts when it looks like ``lang``."""
    found = blocks(reply)
    usable = [b for b in found if b.closed and b.code.strip() and _is_lang(b, lang)]
    if usable:
        return Extracted(usable[-1].code)
    cut = done_reason == "length"
    if found and not found[-1].closed:
        why = "the reply ended inside a code block"
        return Extracted("", why + (" (the output token limit was reached)" if cut else ""))
    if not reply.strip():
        return Extracted("", "the reply was empty" + (" (the output token limit was reached)" if cut else ""))
    if not found:
        return Extracted("", f"the reply has no fenced code block (expected ```{lang.fence} ... ```)")
    other = sorted({b.tag or "untagged" for b in found if b.code.strip()})
    if not other:
        return Extracted("", "the reply's code blocks are empty")
    return Extracted("", f"the reply has no {lang.fence} code block (found: {', '.join(other)})")


def extract_text_block(reply: str, tag: str) -> str | None:
    """The last closed block tagged ``tag`` (e.g. the example test data of an interactive problem)."""
    tagged = [b for b in blocks(reply) if b.closed and b.tag == tag]
    return tagged[-1].code if tagged else None
