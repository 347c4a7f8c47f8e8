"""The model layer's errors: a subtree of ``solver.errors.ModelError``.

    ModelError
    ├── ModelUnreachable     nothing answers at the host (connection refused, DNS, reset before a reply)
    ├── WrongServer          something answers, but not the protocol of the chosen backend
    ├── ModelNotFound        the server answers but lacks the model (prints the exact ``ollama pull NAME``)
    ├── PromptTruncated      the prompt did not fit the context window (names the limit)
    ├── ThinkingExhausted    thinking used the whole output budget and no answer came
    ├── ServerBusy           HTTP 503 / 429: the server's queue is full
    ├── StreamError          the stream broke: an ``{"error": ...}`` line or a connection closed mid-stream
    ├── ModelTimeout         no chunk arrived within the idle (or warm-up) timeout
    └── BadRequest           HTTP 400 and other refusals that will fail again unchanged

Which of these are retried is a table in ``solver.llm.retry``, not a property scattered over the classes.
Every message is one line that says what happened, where, and what to do; the CLI prints ``str(error)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from solver.errors import ModelError

if TYPE_CHECKING:
    from solver.llm.base import Completion


class ModelLayerError(ModelError):
    """Common shape: a host, a reason, and how many attempts were made before giving up."""

    def __init__(self, host: str = "", detail: str = "") -> None:
        super().__init__(detail)
        self.host = host
        self.detail = detail
        self.attempts = 1
        # The reply that was rejected (truncated prompt, thinking only), kept for accounting.
        self.completion: Completion | None = None

    def explain(self) -> str:
        return self.detail

    def __str__(self) -> str:
        text = self.explain()
        if self.attempts > 1:
            text += f" (gave up after {self.attempts} attempts)"
        return text


class ModelUnreachable(ModelLayerError):
    def explain(self) -> str:
        why = f" ({self.detail})" if self.detail else ""
        return (
            f"cannot reach a model server at {self.host}{why}; is Ollama running there? "
            f"Start it with `ollama serve`, or point --host / OLLAMA_HOST at the right address"
        )


class WrongServer(ModelLayerError):
    def explain(self) -> str:
        return (
            f"the server at {self.host} does not answer like Ollama ({self.detail}); "
            f"check --host / OLLAMA_HOST, or use --backend openai for an OpenAI-compatible server "
            f"(vLLM, llama.cpp, LM Studio)"
        )


class ModelNotFound(ModelLayerError):
    def __init__(self, model: str, host: str, available: tuple[str, ...] = (), ollama: bool = True) -> None:
        super().__init__(host, f"model {model!r} not found")
        self.model = model
        self.available = available
        self.ollama = ollama

    def explain(self) -> str:
        have = f" (it has: {', '.join(self.available)})" if self.available else " (it has no models yet)"
        if self.ollama:
            return (
                f"the Ollama server at {self.host} does not have the model {self.model!r}{have}; "
                f"download it with `ollama pull {self.model}` on that machine, or pick another with --model"
            )
        return (
            f"the server at {self.host} does not serve the model {self.model!r}{have}; "
            f"choose one it serves with --model"
        )


class PromptTruncated(ModelLayerError):
    def __init__(
        self, host: str, *, estimated: int, reported: int, limit: int, model_limit: int | None = None,
        said: str = "",
    ) -> None:
        super().__init__(host, said or "prompt truncated")
        self.estimated = estimated
        self.reported = reported
        self.limit = limit
        self.model_limit = model_limit
        self.said = said

    def explain(self) -> str:
        size = f" (about {self.estimated} tokens)" if self.estimated else ""
        window = f"the context window of num_ctx={self.limit} tokens" if self.limit else "the context window"
        if self.said:
            seen = f"the server said: {self.said}"
        elif self.reported:
            seen = f"the server read only {self.reported} tokens of it"
        else:
            seen = "it cannot fit"
        most = f" (the model allows up to {self.model_limit})" if self.model_limit else ""
        return (
            f"the prompt{size} does not fit {window}: {seen}, so the model would answer a truncated prompt; "
            f"raise the context with --num-ctx or SOLVER_NUM_CTX{most}, or shorten the prompt"
        )


class ThinkingExhausted(ModelLayerError):
    def __init__(self, host: str, *, limit: int | None, limit_name: str, thinking_chars: int) -> None:
        super().__init__(host, "thinking exhausted")
        self.limit = limit
        self.limit_name = limit_name
        self.thinking_chars = thinking_chars

    def explain(self) -> str:
        lim = f"{self.limit_name}={self.limit}" if self.limit else self.limit_name
        return (
            f"thinking used the whole output budget; raise the token limit ({lim}): the model thought for "
            f"{self.thinking_chars} characters and stopped before writing any answer"
        )


class ServerBusy(ModelLayerError):
    def explain(self) -> str:
        why = f": {self.detail}" if self.detail else ""
        return (
            f"the model server at {self.host} is busy{why}; lower the parallel requests "
            f"(slots_per_host) or raise OLLAMA_MAX_QUEUE / OLLAMA_NUM_PARALLEL on the server"
        )


class StreamError(ModelLayerError):
    def explain(self) -> str:
        return (
            f"the model server at {self.host} broke off its answer: {self.detail}; "
            f"check the server's log (e.g. `journalctl -u ollama`) for a crash or out-of-memory"
        )


class ModelTimeout(ModelLayerError):
    def __init__(self, host: str, *, waited_s: float, phase: str) -> None:
        super().__init__(host, f"no reply {phase}")
        self.waited_s = waited_s
        self.phase = phase

    def explain(self) -> str:
        return (
            f"the model server at {self.host} sent nothing for {self.waited_s:g} s {self.phase}; "
            f"the machine may be overloaded or the model too large for it (check `ollama ps`)"
        )


class BadRequest(ModelLayerError):
    def explain(self) -> str:
        return f"the model server at {self.host} refused the request: {self.detail}"


__all__ = [
    "BadRequest",
    "ModelLayerError",
    "ModelNotFound",
    "ModelTimeout",
    "ModelUnreachable",
    "PromptTruncated",
    "ServerBusy",
    "StreamError",
    "ThinkingExhausted",
    "WrongServer",
]
