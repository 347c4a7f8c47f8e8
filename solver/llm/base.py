"""The model-backend seam: messages and parameters in, a Completion out.

Backends (``ollama``, ``openai``, and the test fakes) implement ``ModelBackend``; the registry in
``solver.registry`` picks one by name. Everything crossing the seam is a frozen value.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class ChatParams:
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    num_predict: int | None = None  # output token budget (thinking included)
    think: bool | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """One streamed piece: thinking text or answer text."""

    thinking: str = ""
    content: str = ""


@dataclass(frozen=True)
class Completion:
    content: str
    thinking: str
    done_reason: str  # "stop", "length", ...
    prompt_tokens: int
    output_tokens: int
    load_s: float = 0.0
    prompt_s: float = 0.0
    gen_s: float = 0.0
    model: str = ""
    endpoint: str = ""
    wall_s: float = 0.0  # measured by the client, retries and waiting for a slot excluded
    attempts: int = 1  # 1 + the retries this completion needed
    # Where the token counts come from: "reported" by the server with the reply, "counted" with the server's
    # tokenizer afterwards, or "estimated" from the characters (USAGE_SOURCES); budgets act on them either way.
    usage: str = "reported"


USAGE_SOURCES = ("reported", "counted", "estimated")


@dataclass(frozen=True)
class ModelInfo:
    """A model as one server describes it (``/api/show`` or ``/v1/models``); None = the server did not say."""

    name: str
    host: str
    context_length: int | None = None
    thinks: bool | None = None
    capabilities: tuple[str, ...] = ()
    size_bytes: int | None = None
    family: str = ""
    parameter_size: str = ""
    quantization: str = ""
    digest: str = ""  # of the weights (Ollama's /api/tags), so a run names exactly what answered; "" unknown
    modified_at: str = ""  # ISO time the server's copy was made (Ollama's /api/show): on or after the release


OnChunk = Callable[[Chunk], Awaitable[None] | None]


class ModelBackend(Protocol):
    """What the pipeline calls. Implementations must be safe to call concurrently."""

    name: str

    async def chat(
        self, messages: Sequence[Message], params: ChatParams | None = None, on_chunk: OnChunk | None = None
    ) -> Completion: ...

    async def close(self) -> None: ...
