"""The one error tree of the solver package.

    SolverError                      every error a user may see; str() is a one-line explanation
    ├── UsageError                   bad command-line input (malformed id/URL, bad option value)
    ├── ProblemError                 a problem could not be had
    │   ├── NotFoundError            unknown contest/problem (HTTP 404, API "not found")
    │   ├── ParseError               the page is not a problem page / truncated / unexpected layout
    │   ├── ChallengeError           a Cloudflare challenge page was served instead of the problem
    │   └── OfflineError             --offline and the store lacks what is needed
    ├── StoreError                   the problem/run store is corrupt or unwritable
    ├── NetworkError                 the network failed after retries
    │   └── ApiError                 Codeforces API answered status FAILED (carries the API's comment)
    ├── ModelError                   the model layer failed (see solver.llm.errors for the subtree)
    ├── JudgeUnavailableError        no sandbox backend can run untrusted code here
    └── BudgetExhausted              a solve budget (attempts, tokens, wall time) was spent

Each error says what happened and what to do about it; the CLI prints str(error) and exits non-zero.
"""

from __future__ import annotations


class SolverError(Exception):
    """Base of every error the CLI reports to a user."""

    exit_code = 1


class UsageError(SolverError):
    exit_code = 2


class ProblemError(SolverError):
    pass


class NotFoundError(ProblemError):
    pass


class ParseError(ProblemError):
    pass


class ChallengeError(ProblemError):
    pass


class OfflineError(ProblemError):
    pass


class StoreError(SolverError):
    pass


class NetworkError(SolverError):
    pass


class ApiError(NetworkError):
    def __init__(self, method: str, comment: str) -> None:
        super().__init__(f"Codeforces API {method} failed: {comment}")
        self.method = method
        self.comment = comment


class ModelError(SolverError):
    pass


class JudgeUnavailableError(SolverError):
    pass


class BudgetExhausted(SolverError):
    pass
