"""The model flags every command that talks to a model takes (ask, models, solve, contest, practice).

Each flag's dest is a Config field, so ``solver.cli.config_from_args`` layers it over file and environment;
a flag left out stays None and does not override them.
"""

from __future__ import annotations

import argparse

from solver.registry import MODEL_BACKENDS


def add_model_options(parser: argparse.ArgumentParser, *, model: bool = True) -> None:
    g = parser.add_argument_group("model options")
    if model:
        g.add_argument("--model", default=None, metavar="NAME",
                       help="model to use (default: gemma4:31b; env SOLVER_MODEL)")
    g.add_argument("--host", action="append", dest="hosts", default=None, metavar="URL",
                   help="model server (default: $OLLAMA_HOST or http://127.0.0.1:11434); repeat for several, "
                        "each request goes to the least busy")
    g.add_argument("--backend", default=None, choices=sorted(MODEL_BACKENDS),
                   help="server protocol: ollama (default) or openai (vLLM, SGLang, llama.cpp, LM Studio)")
    g.add_argument("--num-ctx", type=int, default=None, dest="num_ctx", metavar="TOKENS",
                   help="context window for the whole run (default: 32768, capped by the model's own)")


__all__ = ["add_model_options"]
