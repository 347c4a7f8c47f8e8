"""Pure rules about context windows and budgets: what num_ctx to use, and whether a reply was cut short.

Ollama never says it truncated a prompt: it silently drops the front of what does not fit ``num_ctx`` and
reports in ``prompt_eval_count`` how many tokens it actually read. We estimate the prompt's size from its
characters and call a reported count far below the estimate a truncation. The estimate uses 4 characters
per token (typical of English and code for Gemma-class tokenizers); the tolerance is wide because chat
templates add tokens and dense text has more, so only a real cut (which loses a large part) trips it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from solver.llm.base import Message

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 4  # role markers and turn delimiters of a chat template
DEFAULT_NUM_CTX = 32768  # enough for a statement, a long think and a program; bigger costs VRAM
TRUNCATION_RATIO = 0.6  # reported < 60 % of the estimate = the server read a cut prompt
FULL_WINDOW = 0.95  # a prompt this close to num_ctx was cut to it (or leaves no room to answer)


def estimate_tokens(messages: Sequence[Message]) -> int:
    chars = sum(len(m.content) for m in messages)
    return math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * len(messages)


def estimate_text_tokens(text: str) -> int:
    """Tokens of a reply's text (thinking and answer), by the same rule as the prompt estimate."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


# A prompt's real size can exceed the estimate (code and digits are denser than prose): the reply's cap
# leaves this much more room for it, so prompt + cap stays inside the window (vLLM refuses a request whose
# sum exceeds it).
PROMPT_MARGIN = 1.3


def reply_cap(requested: int | None, window: int | None, estimated_prompt: int) -> int | None:
    """The output budget to send: the requested cap, never more than the room the prompt leaves in the window.

    ``requested`` None and no known window: None (the server's own default). Always at least 1.
    """
    if window is None:
        return requested
    room = max(1, window - math.ceil(estimated_prompt * PROMPT_MARGIN))
    return room if requested is None else max(1, min(requested, room))


def choose_num_ctx(model_context: int | None, configured: int | None) -> int:
    """The run's fixed context window: the configured budget (or our default), never above the model's.

    Fixed for the whole run because Ollama reloads the model whenever ``num_ctx`` changes.
    """
    want = configured if configured is not None else DEFAULT_NUM_CTX
    if model_context:
        want = min(want, model_context)
    return max(1, want)


def cannot_fit(estimated: int, num_ctx: int) -> bool:
    """Sure to be truncated before sending: even the lenient lower bound exceeds the window."""
    return estimated * TRUNCATION_RATIO > num_ctx


def was_truncated(estimated: int, reported: int | None, num_ctx: int | None) -> bool:
    """After the reply: the server read far fewer tokens than we sent, or filled its window with them.

    Two signatures: whole messages dropped (the count falls far below the estimate), or the prompt cut to
    the window (the count sits at the window while we sent at least as much). A prompt that really fills
    95 % of the window is reported too: it leaves no room for an answer, and the remedy is the same.
    A missing or zero count means "not reported" (old servers omit it on a full prompt-cache hit), never a
    truncation; a count above the window cannot be a cut to that window.
    """
    if not reported:
        return False
    if num_ctx is not None and reported > num_ctx:
        return False
    if reported < estimated * TRUNCATION_RATIO:
        return True
    return num_ctx is not None and reported >= num_ctx * FULL_WINDOW and estimated >= reported


def thinking_exhausted(content: str, thinking: str, done_reason: str) -> bool:
    """The output budget ran out while the model was still thinking: nothing usable was answered."""
    return done_reason == "length" and not content.strip() and bool(thinking.strip())


__all__ = [
    "CHARS_PER_TOKEN",
    "DEFAULT_NUM_CTX",
    "cannot_fit",
    "choose_num_ctx",
    "estimate_text_tokens",
    "estimate_tokens",
    "reply_cap",
    "thinking_exhausted",
    "was_truncated",
]
