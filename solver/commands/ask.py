"""`python -m solver ask "..."`: send one prompt, stream the thinking (dim) and the answer.

Useful to check a setup end to end: the preflight runs first, so a missing server or model is reported
with what to do. ``-`` as the prompt reads it from standard input.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from solver.config import Config
from solver.errors import UsageError
from solver.llm.base import ChatParams, Chunk, Completion, Message, ModelBackend
from solver.llm.cli_options import add_model_options
from solver.llm.errors import ModelLayerError
from solver.llm.factory import build_backend, recorded
from solver.llm.transcript import Transcript


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ask", parents=[parent], help="send one prompt to the model and stream its answer",
                       description="Send one prompt to the model and stream its thinking (dim) and its "
                                   "answer; checks the setup first (server, model, context length).")
    p.add_argument("prompt", nargs="+", help="the prompt (several words are joined; '-' reads stdin)")
    add_model_options(p)
    p.add_argument("--no-think", action="store_true", help="ask the model not to think first")
    p.add_argument("--system", default=None, help="a system message")
    p.add_argument("--max-tokens", type=int, default=None, dest="max_tokens", metavar="N",
                   help="output budget in tokens, thinking included (default: until the context is full)")
    p.add_argument("--transcript", type=Path, default=None, metavar="FILE",
                   help="append the request and reply to this JSONL file")
    p.set_defaults(func=run)


class StreamPrinter:
    """Thinking in dim, then the answer; a blank line where one turns into the other."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.state = ""

    def __call__(self, chunk: Chunk) -> None:
        if chunk.thinking:
            if self.state != "thinking":
                self.console.out("thinking…", style="dim italic", highlight=False)
                self.state = "thinking"
            self.console.out(chunk.thinking, style="dim", end="", highlight=False)
        if chunk.content:
            if self.state == "thinking":
                self.console.out("\n", highlight=False)
            self.state = "answer"
            self.console.out(chunk.content, end="", highlight=False)

    def finish(self) -> None:
        """End the streamed text with a newline; a retry then starts on a fresh line, header and all."""
        if self.state:
            self.console.out("", highlight=False)
        self.state = ""


def summary(c: Completion) -> str:
    n = c.attempts - 1
    retried = f", {n} {'retry' if n == 1 else 'retries'}" if n else ""
    source = "" if c.usage == "reported" else f" ({c.usage})"  # counted by the tokenizer, or estimated
    return (f"{c.model} at {c.endpoint}: {c.prompt_tokens} prompt + {c.output_tokens} output tokens{source}, "
            f"{c.wall_s:.1f} s (load {c.load_s:.1f} s, prompt {c.prompt_s:.1f} s, generation {c.gen_s:.1f} s)"
            f", done: {c.done_reason}{retried}")


async def ask(backend: ModelBackend, messages: list[Message], params: ChatParams, console: Console,
              err: Console, as_json: bool, printer: StreamPrinter | None = None) -> Completion:
    printer = printer or StreamPrinter(console)
    try:
        completion = await backend.chat(messages, params, None if as_json else printer)
    finally:
        if not as_json:
            printer.finish()
    if as_json:
        console.out(json.dumps(dataclasses.asdict(completion), ensure_ascii=False), highlight=False)
    else:
        err.print(summary(completion), style="dim", highlight=False, soft_wrap=True)
    return completion


async def run(args: argparse.Namespace, config: Config) -> int:
    text = " ".join(args.prompt)
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("the prompt is empty; give it as arguments, or '-' to read standard input")
    messages = [Message("system", args.system)] if args.system else []
    messages.append(Message("user", text))
    params = ChatParams(think=False if args.no_think else None, num_predict=config.max_tokens)
    console = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    printer = StreamPrinter(console)

    def on_retry(e: ModelLayerError, attempt: int, wait: float) -> None:
        printer.finish()  # a reply broken off mid-stream is followed by the retried one, not glued to it
        # One short line per failure; the full message, with what to do, comes once if it gives up.
        err.print(f"attempt {attempt} failed: {e.brief()}; retrying in {wait:g} s", style="yellow",
                  soft_wrap=True, markup=False)

    backend = build_backend(config, on_retry=on_retry)
    transcript = Transcript(args.transcript) if args.transcript else None
    try:
        await ask(recorded(backend, transcript, "ask"), messages, params, console, err, config.json, printer)
    finally:
        await backend.close()
    return 0
