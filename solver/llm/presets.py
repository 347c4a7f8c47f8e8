"""Sampling presets by model name.

Gemma 4's model card recommends temperature 1.0, top_p 0.95, top_k 64, and it thinks by default; we turn
thinking on explicitly so a server-side default can never silently switch it off. Any other model gets
``DEFAULT``: temperature 0.6 and top_p 0.95, what most current open code and reasoning models recommend
(Qwen2.5-Coder, DeepSeek-R1 distills, Qwen3 in thinking mode: 0.6-0.7 with top_p 0.8-0.95). A server's own
defaults are not relied on: they differ between servers (llama.cpp 0.8, vLLM 1.0 unless the model ships a
generation config, Ollama the Modelfile), so a run would not say what it sampled with. The run's seed is the
caller's (``ChatParams.seed``), on top of either.
"""

from __future__ import annotations

from dataclasses import fields, replace

from solver.llm.base import ChatParams

GEMMA4 = ChatParams(temperature=1.0, top_p=0.95, top_k=64, think=True)

DEFAULT = ChatParams(temperature=0.6, top_p=0.95)

PRESETS: dict[str, ChatParams] = {
    "gemma4:31b": GEMMA4,
    "gemma4:26b": GEMMA4,
    "gemma4:e4b": GEMMA4,
    "gemma4:e2b": GEMMA4,
}


def preset_for(model: str) -> ChatParams:
    """The named preset; other tags of the Gemma 4 family (quantisations, ``-it`` tags) share its sampling."""
    if model in PRESETS:
        return PRESETS[model]
    if model.split(":", 1)[0].split("/")[-1] == "gemma4":
        return GEMMA4
    return DEFAULT


def merge(base: ChatParams, override: ChatParams | None) -> ChatParams:
    """``override``'s fields win where set (not None; a non-empty ``stop``)."""
    if override is None:
        return base
    changes = {}
    for f in fields(ChatParams):
        value = getattr(override, f.name)
        if value is not None and value != ():
            changes[f.name] = value
    return replace(base, **changes)


__all__ = ["DEFAULT", "GEMMA4", "PRESETS", "merge", "preset_for"]
