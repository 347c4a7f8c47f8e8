"""cp-solver: run a local model on Codeforces problems, judge it honestly, and rate it."""

__version__ = "0.1.0"
