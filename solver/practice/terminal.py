"""The terminal, a thin view over the runtime: prompt_toolkit reads lines, rich prints via ``patch_stdout``.

The prompt stays live while background jobs run: their results print above it (patch_stdout), and the
bottom toolbar redraws every second with the contest timer, the score and what is in flight.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.application import run_in_terminal
from prompt_toolkit.completion import NestedCompleter
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.patch_stdout import patch_stdout
from rich.console import Console

from solver.practice.langs import LANGS
from solver.practice.machine import COMMANDS
from solver.practice.model import Output, Say
from solver.practice.runtime import Runtime
from solver.practice.view import render, toolbar


def terminal_width() -> int:
    """The terminal's width: asked of the original stdout (output is patched; $COLUMNS may be stale)."""
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (OSError, ValueError, AttributeError):
        return shutil.get_terminal_size((100, 40)).columns


def completer() -> NestedCompleter:
    nested: dict[str, object] = {name: None for name in COMMANDS}
    nested["lang"] = {name: None for name in (*LANGS, "auto")}
    nested["no"] = None
    return NestedCompleter.from_nested_dict(nested)  # type: ignore[arg-type]


async def open_in_editor(path: Path, show: Callable[[Output], None]) -> None:
    """Suspend the prompt and run $EDITOR (or $VISUAL) on the file; without one, say how to work instead."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        show(Say(f"no $EDITOR set: edit {path} in any editor; the session watches it", "warn"))
        return
    argv = [*shlex.split(editor), str(path)]

    def call() -> None:
        subprocess.call(argv)  # the user's own editor on their own file: not untrusted code

    await run_in_terminal(call, in_executor=True)


Show = Callable[[Output], None]


async def run_terminal(
    make_runtime: Callable[[Show], Runtime],
    history: Path | None,
    on_start: Callable[[Show], Awaitable[None]] | None = None,
) -> int:
    """Read commands until `quit` or end of input. ``make_runtime`` gets the function that shows outputs;
    ``on_start`` runs once the prompt is up (to start listeners and the first command)."""
    hist = FileHistory(str(history)) if history is not None else InMemoryHistory()
    with patch_stdout(raw=True):
        # Created inside patch_stdout so rich writes through prompt_toolkit's proxy, above the prompt.
        console = Console(file=sys.stdout, force_terminal=True, width=terminal_width(), soft_wrap=False)

        def show(out: Output) -> None:
            console.width = terminal_width()  # follows resizes of the window
            console.print(render(out))

        runtime = make_runtime(show)
        if runtime.editor is None:
            runtime.editor = lambda p: open_in_editor(p, show)
        prompt: PromptSession[str] = PromptSession(
            history=hist,
            completer=completer(),
            complete_while_typing=False,
            bottom_toolbar=lambda: toolbar(runtime.session, time.time()),
            refresh_interval=1.0,
        )

        async def ticker() -> None:
            while True:
                await asyncio.sleep(1.0)
                runtime.tick()

        tick = asyncio.create_task(ticker())
        show(Say("practice session: `help` lists the commands, `quit` leaves", "dim"))
        if on_start is not None:
            await on_start(show)
        try:
            while not runtime.finished.is_set():
                try:
                    line = await prompt.prompt_async("practice> ")
                except EOFError:
                    line = "quit"
                except KeyboardInterrupt:
                    continue
                runtime.line(line)
                await asyncio.sleep(0)  # let a job that finished at once print before the next prompt
        finally:
            tick.cancel()
            await runtime.close()
    return 0
