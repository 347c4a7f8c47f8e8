"""The model layer's errors: a subtree of ``solver.errors.ModelError``.

    ModelError
    ├── ModelUnreachable     nothing answers at the host (connection refused, no answer to connect)
    │   └── UnknownHost      the host name does not resolve (DNS)
    ├── WrongServer          something answers, but not the protocol of the chosen backend
    ├── ModelNotFound        the server answers but lacks the model (prints the exact ``ollama pull NAME``)
    ├── PromptTruncated      the prompt did not fit the context window (names the limit)
    ├── ThinkingExhausted    thinking used the whole output budget and no answer came
    ├── ServerBusy           HTTP 503 / 429 / 408: the server's queue is full
    ├── StreamError          the stream broke: an ``{"error": ...}`` line or a connection closed mid-stream
    ├── ModelTimeout         no chunk arrived within the idle (or warm-up) timeout
    └── BadRequest           HTTP 400 and other refusals that will fail again unchanged

Which of these are retried is a table in ``solver.llm.retry``, not a property scattered over the classes.
Every error knows its host and its backend, so its message names what was tried and says what to do next
for that kind of server (``ADVICE``): one line; the CLI prints ``str(error)``. ``brief()`` is the short form
for a line that announces a retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from solver.errors import ModelError

if TYPE_CHECKING:
    from solver.llm.base import Completion


@dataclass(frozen=True)
class Advice:
    """What to tell the user for one kind of server; ``{host}`` and ``{model}`` are filled in."""

    server: str  # how the server is named: "the Ollama server"
    kind: str  # and any server of its kind: "an Ollama server"
    start: str  # how to get a server listening at the host
    hosts: str  # the settings that choose the host
    get_model: str  # how to get the model onto the server
    logs: str  # where the server says why it failed
    load: str  # what to check when it is overloaded
    busy: str  # how to let it take more requests
    context: str  # how to give the model a longer context window
    other: str  # the other backend, for a server that speaks the other protocol
    window: str = "{limit}"  # the context window's size as the backend's setting names it


ADVICE: dict[str, Advice] = {
    "ollama": Advice(
        server="the Ollama server",
        kind="an Ollama server",
        start="start it there with `ollama serve`",
        hosts="--host / OLLAMA_HOST",
        get_model="download it with `ollama pull {model}` on that machine, or pick another with --model",
        logs="check the server's log (e.g. `journalctl -u ollama`) for a crash or out-of-memory",
        load="the machine may be overloaded or the model too large for it (check `ollama ps`)",
        busy="lower the parallel requests (slots_per_host) or raise OLLAMA_MAX_QUEUE / OLLAMA_NUM_PARALLEL "
             "on the server",
        context="raise the context with --num-ctx or SOLVER_NUM_CTX",
        other="use --backend openai for an OpenAI-compatible server (vLLM, SGLang, llama.cpp, LM Studio)",
        window="num_ctx={limit}",
    ),
    "openai": Advice(
        server="the OpenAI-compatible server",
        kind="an OpenAI-compatible server",
        start="start your server (vLLM, SGLang, llama.cpp, LM Studio) so that it listens at {host}",
        hosts="--host",
        get_model="pick one it lists at {host}/models with --model, or start the server with that model",
        logs="check the server's log for a crash or out-of-memory",
        load="the machine may be overloaded or the model too large for it (check the server's log)",
        busy="lower the parallel requests (slots_per_host) or raise the server's limit on concurrent "
             "requests (e.g. vLLM --max-num-seqs)",
        context="start the server with a longer context (vLLM --max-model-len, llama.cpp --ctx-size) and "
                "give it to --num-ctx",
        other="use --backend ollama for an Ollama server",
    ),
}
# For a backend this module does not know (a plugin, a test double): advice that holds for any server.
GENERIC = Advice(
    server="the model server",
    kind="a model server",
    start="start the model server so that it listens there",
    hosts="--host",
    get_model="pick one it serves with --model",
    logs="check the server's log",
    load="the machine may be overloaded (check the server's log)",
    busy="lower the parallel requests (slots_per_host)",
    context="give the model a longer context window",
    other="check --backend",
)


class ModelLayerError(ModelError):
    """Common shape: a host, its backend, a reason, and how many attempts were made before giving up."""

    def __init__(self, host: str = "", detail: str = "", *, backend: str = "") -> None:
        super().__init__(detail)
        self.host = host
        self.backend = backend
        self.detail = detail
        self.attempts = 1
        # The reply that was rejected (truncated prompt, thinking only), kept for accounting.
        self.completion: Completion | None = None

    @property
    def advice(self) -> Advice:
        return ADVICE.get(self.backend, GENERIC)

    def say(self, text: str, model: str = "") -> str:
        """``text`` with ``{host}`` and ``{model}`` filled in."""
        return text.format(host=self.host, model=model)

    def explain(self) -> str:
        return self.detail

    def brief(self) -> str:
        """One short line: what failed, where (for a retry notice; ``str()`` adds what to do)."""
        return f"{self.detail or type(self).__name__} at {self.host}"

    def __str__(self) -> str:
        text = self.explain()
        if self.attempts > 1:
            text += f" (gave up after {self.attempts} attempts)"
        return text


class ModelUnreachable(ModelLayerError):
    def explain(self) -> str:
        a = self.advice
        why = f" ({self.detail})" if self.detail else ""
        return f"cannot reach {a.server} at {self.host}{why}; {self.say(a.start)}, or point {a.hosts} at it"


class UnknownHost(ModelUnreachable):
    def explain(self) -> str:
        a = self.advice
        return (f"cannot reach {a.server} at {self.host}: the host name does not resolve ({self.detail}); "
                f"check {a.hosts} for a typo")


class WrongServer(ModelLayerError):
    def explain(self) -> str:
        a = self.advice
        return (f"the server at {self.host} does not answer like {a.kind} ({self.detail}); "
                f"check {a.hosts}, or {a.other}")


class ModelNotFound(ModelLayerError):
    def __init__(self, model: str, host: str, available: tuple[str, ...] = (), *, backend: str) -> None:
        super().__init__(host, f"model {model!r} not found", backend=backend)
        self.model = model
        self.available = available

    def explain(self) -> str:
        a = self.advice
        have = f" (it has: {', '.join(self.available)})" if self.available else " (it has no models yet)"
        return (f"{a.server} at {self.host} does not have the model {self.model!r}{have}; "
                f"{self.say(a.get_model, self.model)}")


class PromptTruncated(ModelLayerError):
    def __init__(
        self, host: str, *, estimated: int, reported: int, limit: int, model_limit: int | None = None,
        said: str = "", backend: str,
    ) -> None:
        super().__init__(host, said or "prompt truncated", backend=backend)
        self.estimated = estimated
        self.reported = reported
        self.limit = limit
        self.model_limit = model_limit
        self.said = said

    def explain(self) -> str:
        size = f" (about {self.estimated} tokens)" if self.estimated else ""
        size_of = self.advice.window.format(limit=self.limit)
        window = f"the context window of {size_of} tokens" if self.limit else "the context window"
        if self.said:
            seen = f"{self.advice.server} at {self.host} said: {self.said}"
        elif self.reported:
            seen = f"{self.advice.server} at {self.host} read only {self.reported} tokens of it"
        else:
            seen = "it cannot fit"
        most = f" (the model allows up to {self.model_limit})" if self.model_limit else ""
        return (
            f"the prompt{size} does not fit {window}: {seen}, so the model would answer a truncated prompt; "
            f"{self.advice.context}{most}, or shorten the prompt"
        )


class ThinkingExhausted(ModelLayerError):
    def __init__(self, host: str, *, limit: int | None, limit_name: str, thinking_chars: int, backend: str
                 ) -> None:
        super().__init__(host, "thinking exhausted", backend=backend)
        self.limit = limit
        self.limit_name = limit_name
        self.thinking_chars = thinking_chars

    def explain(self) -> str:
        lim = f"{self.limit_name}={self.limit}" if self.limit else self.limit_name
        return (
            f"thinking used the whole output budget; raise the token limit ({lim}): the model at {self.host} "
            f"thought for {self.thinking_chars} characters and stopped before writing any answer"
        )


class ServerBusy(ModelLayerError):
    def explain(self) -> str:
        why = f": {self.detail}" if self.detail else ""
        return f"{self.advice.server} at {self.host} is busy{why}; {self.advice.busy}"


class StreamError(ModelLayerError):
    def explain(self) -> str:
        return f"{self.advice.server} at {self.host} broke off its answer: {self.detail}; {self.advice.logs}"


class ModelTimeout(ModelLayerError):
    def __init__(self, host: str, *, waited_s: float, phase: str, backend: str) -> None:
        super().__init__(host, f"no reply {phase}", backend=backend)
        self.waited_s = waited_s
        self.phase = phase

    def explain(self) -> str:
        return f"{self.advice.server} at {self.host} sent nothing for {self.waited_s:g} s {self.phase}; " + (
            self.advice.load
        )


class BadRequest(ModelLayerError):
    def explain(self) -> str:
        return (f"{self.advice.server} at {self.host} refused the request: {self.detail}; the same request "
                f"would fail again: check the model options (--model, --max-tokens, --no-think)")


__all__ = [
    "ADVICE",
    "GENERIC",
    "Advice",
    "BadRequest",
    "ModelLayerError",
    "ModelNotFound",
    "ModelTimeout",
    "ModelUnreachable",
    "PromptTruncated",
    "ServerBusy",
    "StreamError",
    "ThinkingExhausted",
    "UnknownHost",
    "WrongServer",
]
