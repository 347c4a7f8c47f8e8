"""Shared test fixtures.

Real data written by others lives outside the repository, in ``../shared/data`` beside the checkout
(override with $SOLVER_SHARED_DATA). Tests read it in place and never copy it into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SOLVER_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; tests needing it are skipped (and reported) where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared real data not present at {SHARED_DATA}")
    return SHARED_DATA
