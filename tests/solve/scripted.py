"""A scripted model for the solve-loop tests: the reply depends on which stage's prompt it sees.

The fake Ollama server calls ``ScriptedModel`` with each chat request; the stage is read from the prompt's
``# Task:`` heading, and each stage has its own list of replies, used in order (the last one repeats).
Drafts and repairs share the "solution" list. Every request is recorded as (stage, prompt) for assertions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from tests.fakes.ollama_server import Reply

STAGE_OF = {
    "solve the problem": "draft",
    "repair the program": "repair",
    "brute force": "brute",
    "random test generator": "generator",
    "input validator": "validator",
    "maximum-size test generator": "maxgen",
    "answer checker": "checker",
    "interactor": "interactor",
}
_TASK = re.compile(r"^# Task: (.+)$", re.MULTILINE)


def stage_of(prompt: str) -> str:
    m = _TASK.search(prompt)
    if not m:
        raise AssertionError(f"prompt without a '# Task:' heading: {prompt[:200]!r}")
    return STAGE_OF[m.group(1).strip()]


ReplyText = str | Reply | Callable[[str], str]  # a Reply is sent as it is (errors, cut-off replies)


class ScriptedModel:
    def __init__(self, **replies: Sequence[ReplyText] | ReplyText) -> None:
        self.replies = {
            k: [v] if isinstance(v, str | Reply) or callable(v) else list(v) for k, v in replies.items()
        }
        self.used: dict[str, int] = {}
        self.calls: list[tuple[str, str]] = []

    def __call__(self, body: dict[str, Any]) -> Reply:
        prompt = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        stage = stage_of(prompt)
        self.calls.append((stage, prompt))
        key = "solution" if stage in ("draft", "repair") else stage
        options = self.replies.get(key)
        if not options:
            return Reply(content="I cannot help with that.", thinking="hmm")
        n = self.used.get(key, 0)
        self.used[key] = n + 1
        reply = options[min(n, len(options) - 1)]
        if isinstance(reply, Reply):
            return reply
        text = reply(prompt) if callable(reply) else reply
        return Reply(content=text, thinking=f"Thinking about the {stage}...", chunk_chars=4000)

    def stages(self) -> list[str]:
        return [s for s, _ in self.calls]

    def prompts(self, *stages: str) -> list[str]:
        return [p for s, p in self.calls if s in stages]
