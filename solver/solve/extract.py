"""The code out of a model reply: the last fenced block in the requested language, from the answer only.

Pure. A reply without usable code is a failed attempt with a reason the next prompt can quote, never an
exception: models forget fences, switch languages, or run out of tokens mid-block. What real models write:

- thinking inline in the content (``<think>...</think>``, ``<thinking>...</thinking>``; a template that opens
  the tag itself leaves only the closing one): thinking, never answer, so code in it is never taken;
- fences indented inside a list item, closed at any indentation;
- a tag other than the asked one (```c++, ```cpp17, ```python3, no tag, ```c for C++ code): taken when the
  tag names this language or names no language we know and the code looks like this language;
- a reply cut by the output limit (``done_reason`` "length"): never taken as complete code, even when an
  earlier block closed (a second version was being written when it was cut);
- a last block never closed in a reply that ended normally: a forgotten closing fence, taken, and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from solver.solve.languages import PROMPT_STYLES, PromptStyle

# An opening fence: three or more backticks (or tildes) at the start of a line, at any indentation (fences
# nested in list items are indented), then an optional info string.
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")
_THINK = re.compile(r"<(think|thinking)>(.*?)(?:</\1>|\Z)", re.DOTALL | re.IGNORECASE)
_CLOSE_ONLY = re.compile(r"</(think|thinking)>", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    tag: str  # the fence's language tag, lower-cased ("" when untagged)
    code: str
    closed: bool  # False when the reply ended inside the block


@dataclass(frozen=True)
class Extracted:
    """The code when ``ok``, else ``reason`` says why there is none (for the log and the next prompt).

    ``note`` says which block was taken and why when that was a choice (several blocks, a missing closing
    fence); ``truncated`` marks a reply cut by the output limit.
    """

    code: str
    reason: str = ""
    note: str = ""
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def feedback(self) -> str:
        """The reason as one plain sentence for the next prompt (which itself asks for the code block)."""
        if not self.reason:
            return ""
        advice = " Keep the explanation short so the whole answer fits." if self.truncated else ""
        return self.reason[0].upper() + self.reason[1:] + "." + advice


def split_thinking(text: str) -> tuple[str, str]:
    """(thinking, answer) of a reply's content: ``<think>``/``<thinking>`` blocks are thinking.

    An unclosed opening tag makes the rest thinking (the reply was cut while thinking); a closing tag with
    no opening one (the chat template opened it) makes everything before it thinking.
    """
    thinking: list[str] = []
    close = _CLOSE_ONLY.search(text)
    first_open = re.search(r"<(think|thinking)>", text, re.IGNORECASE)
    if close is not None and (first_open is None or first_open.start() > close.start()):
        thinking.append(text[: close.start()])
        text = text[close.end():]

    def keep(m: re.Match[str]) -> str:
        thinking.append(m.group(2))
        return ""

    answer = _THINK.sub(keep, text)
    return "\n".join(t.strip("\n") for t in thinking), answer


def blocks(text: str) -> list[Block]:
    """Every fenced block, in order (CommonMark-style: a closing fence is at least as long as the opening).

    A block's lines lose the opening fence's indentation, so code fenced inside a list item is unindented.
    """
    out: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence, indent = m.group("fence"), len(m.group("indent"))
        tag = m.group("info").strip().split()[0].lower() if m.group("info").strip() else ""
        body: list[str] = []
        j = i + 1
        closed = False
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) == {fence[0]}:
                closed = True
                break
            body.append(_dedent(lines[j], indent))
            j += 1
        out.append(Block(tag, "\n".join(body).strip("\n") + "\n" if body else "", closed))
        i = j + 1
    return out


def _dedent(line: str, indent: int) -> str:
    cut = 0
    while cut < min(indent, len(line)) and line[cut] in " \t":
        cut += 1
    return line[cut:]


def _clean_tag(tag: str) -> str:
    return tag.lstrip("{.").rstrip("}")


def _is_lang(block: Block, lang: PromptStyle) -> bool:
    tag = _clean_tag(block.tag)
    if tag in lang.tags:
        return True
    if any(tag in other.tags for other in PROMPT_STYLES.values() if other.key != lang.key):
        return False  # tagged as another language we know: never this one
    return any(marker in block.code for marker in lang.looks_like)  # no tag, or one like ```c or ```java


def extract_code(reply: str, lang: PromptStyle, done_reason: str = "stop") -> Extracted:
    """The last complete block in ``lang`` from the answer (thinking removed); see the module's rules."""
    thinking, answer = split_thinking(reply)
    found = blocks(answer)
    if done_reason == "length":
        inside = bool(found) and not found[-1].closed
        where = " while writing a code block" if inside else " before the answer ended"
        return Extracted("", f"the reply was cut off by the output token limit{where}", truncated=True)
    usable = [b for b in found if b.code.strip() and _is_lang(b, lang) and b.closed]
    last = found[-1] if found else None
    if last is not None and not last.closed and last.code.strip() and _is_lang(last, lang):
        # The reply ended normally inside a block: the closing fence was forgotten, the block is the answer.
        earlier = f"; {len(usable)} earlier block(s) not used" if usable else ""
        return Extracted(last.code, note=f"took the last block, whose closing fence is missing{earlier}")
    if usable:
        note = f"took the last of {len(usable)} {lang.fence} blocks" if len(usable) > 1 else ""
        return Extracted(usable[-1].code, note=note)
    if not answer.strip():
        if thinking.strip():
            return Extracted("", "the reply had only thinking (<think> ... </think>) and no answer after it")
        return Extracted("", "the reply was empty")
    if not found:
        if any(b.code.strip() for b in blocks(thinking)):
            return Extracted("", "the program was only inside the thinking (<think> ... </think>), not in the answer")
        return Extracted("", f"the reply had no program in a ```{lang.fence} code block")
    other = sorted({_clean_tag(b.tag) or "untagged" for b in found if b.code.strip()})
    if not other:
        return Extracted("", "the reply's code blocks were empty")
    return Extracted("", f"the reply had no {lang.fence} program in a code block (it had: {', '.join(other)})")


def extract_text_block(reply: str, tag: str) -> str | None:
    """The last closed block tagged ``tag`` in the answer (e.g. the example test data of an interactive problem)."""
    tagged = [b for b in blocks(split_thinking(reply)[1]) if b.closed and b.tag == tag]
    return tagged[-1].code if tagged else None
