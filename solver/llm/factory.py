"""Build the configured model backend: the registry picks it by name, the Config supplies the rest."""

from __future__ import annotations

from typing import Any, Protocol, cast

from solver.config import Config
from solver.llm.base import ModelBackend, ModelInfo
from solver.llm.retry import OnRetry
from solver.llm.transcript import RecordingBackend, Transcript
from solver.registry import MODEL_BACKENDS, pick


class ServerBackend(ModelBackend, Protocol):
    """What the built-in backends offer beyond the seam: a preflight, the run's model, a model listing."""

    model: str

    async def preflight(self) -> list[ModelInfo]: ...

    async def model_info(self) -> ModelInfo:
        """The run's model (first host, after the preflight); ``digest`` names its weights, "" if unknown."""
        ...

    async def list_models(self) -> list[ModelInfo]: ...


def build_backend(config: Config, *, on_retry: OnRetry | None = None, **overrides: Any) -> ServerBackend:
    """``config.backend`` with ``model``, ``hosts``, ``slots_per_host`` and ``num_ctx`` from the Config.

    ``overrides`` reach the backend's constructor (timeouts, retry policy, ...).
    """
    make = pick(MODEL_BACKENDS, config.backend, "model backend")
    backend = make(model=config.model, hosts=config.hosts, slots_per_host=config.slots_per_host,
                   num_ctx=config.num_ctx, on_retry=on_retry, **overrides)
    return cast(ServerBackend, backend)


def recorded(backend: ModelBackend, transcript: Transcript | None, label: str = "") -> ModelBackend:
    """The backend, its calls appended to ``transcript`` when one is given."""
    return backend if transcript is None else RecordingBackend(backend, transcript, label)


__all__ = ["ServerBackend", "build_backend", "recorded"]
