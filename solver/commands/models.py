"""`python -m solver models`: the models on the configured hosts, their context length, whether they think."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from solver.config import Config
from solver.llm.base import ModelInfo
from solver.llm.cli_options import add_model_options
from solver.llm.errors import ADVICE, GENERIC
from solver.llm.factory import build_backend


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("models", parents=[parent], help="list the models on the model servers",
                       description="List the models on the configured model servers with their context "
                                   "length and whether they think; * marks the configured model.")
    add_model_options(p)
    p.set_defaults(func=run)


def _size(n: int | None) -> str:
    return f"{n / 1e9:.1f} GB" if n else ""


def _yes_no(v: bool | None) -> str:
    return "?" if v is None else ("yes" if v else "no")


def table(infos: list[ModelInfo], configured: str) -> Table:
    t = Table(box=None, pad_edge=False)
    for col, justify in (("host", "left"), ("model", "left"), ("context", "right"), ("thinks", "left"),
                         ("params", "right"), ("quant", "left"), ("size", "right")):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for i in infos:
        name = f"{i.name} *" if i.name == configured else i.name
        t.add_row(i.host, name, str(i.context_length or "?"), _yes_no(i.thinks), i.parameter_size,
                  i.quantization, _size(i.size_bytes))
    return t


async def run(args: argparse.Namespace, config: Config) -> int:
    backend = build_backend(config)
    try:
        infos = await backend.list_models()
    finally:
        await backend.close()
    console = Console(highlight=False)
    if config.json:
        console.out(json.dumps([dataclasses.asdict(i) for i in infos], indent=2), highlight=False)
        return 0
    if not infos:
        console.print("no models on " + ", ".join(config.hosts), soft_wrap=True)
    else:
        console.print(table(infos, config.model))
    hosts_with = {i.host for i in infos if i.name == config.model}
    missing = [h for h in dict.fromkeys(i.host for i in infos) if h not in hosts_with] if infos else []
    if missing:
        todo = ADVICE.get(config.backend, GENERIC).get_model.format(host=missing[0], model=config.model)
        console.print(f"the configured model {config.model} (*) is missing on {', '.join(missing)}: {todo}",
                      soft_wrap=True, markup=False)
    return 0
