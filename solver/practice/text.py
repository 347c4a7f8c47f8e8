"""Small wordings shared by the session's messages, its view and the practice commands (pure)."""

from __future__ import annotations


def plural(count: float, word: str, many: str | None = None) -> str:
    """``1 sample``, ``2 samples``, ``1.5 minutes``; ``many`` for words that do not just take an s."""
    number = str(count) if isinstance(count, int) else f"{count:g}"
    return f"{number} {word if count == 1 else (many or word + 's')}"


def clock(seconds: float) -> str:
    """A duration as h:mm:ss, the way contest clocks show it."""
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}"
