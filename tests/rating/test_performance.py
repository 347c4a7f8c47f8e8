"""Performance ratings against carrot's reference values for a real contest (every row)."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from pathlib import Path

import pytest

from solver.rating.codeforces import Contestant, Field
from solver.rating.performance import performance_of, performances, performances_with_stats
from tests.rating.realdata import PERFS_1349, ROUND_1349, ROUNDS, contestants, load_perfs, load_rows, shared_round


@pytest.fixture(scope="module")
def field() -> list[Contestant]:
    return contestants(load_rows(ROUND_1349))


@pytest.fixture(scope="module")
def reference() -> dict[str, float]:
    return load_perfs(PERFS_1349)


def test_exact_performances_equal_carrots_reference_for_every_row(field, reference) -> None:  # type: ignore[no-untyped-def]
    perfs, stats = performances_with_stats(field, exact=True)
    assert stats is not None and stats.recomputed > 0
    wrong = {h: (perfs[h], v) for h, v in reference.items() if perfs[h] != v}
    print(f"contest 1349 exact performances: {len(reference) - len(wrong)}/{len(reference)} match; {stats}")
    assert len(reference) == 1248 and not wrong
    assert stats.max_adjustment_shift < 6  # the guard was never the deciding assumption


def test_single_exact_performance_recomputes_every_probe(field, reference) -> None:  # type: ignore[no-untyped-def]
    for handle in ("tourist", "maroonrk", "ZieiN", "Son", "Alex_Dumitrescu"):
        assert performance_of(field, handle) == reference[handle]
    assert performance_of(field, "Um_nik") == math.inf  # rank 1 always gains
    with pytest.raises(KeyError):
        performance_of(field, "nobody")


def test_the_delta_at_the_performance_is_zero_and_one_below_is_positive(field, reference) -> None:  # type: ignore[no-untyped-def]
    f = Field(field)
    for handle in ("tourist", "jiangly", "Errichto", "kilotaras"):
        i = f.handles.index(handle)
        p = int(reference[handle])
        assert f.delta_if_rated(i, p) == 0
        assert f.delta_if_rated(i, p - 1) > 0


def test_fast_performances_stay_within_carrots_bound(field, reference) -> None:  # type: ignore[no-untyped-def]
    fast = performances(field)
    diffs = Counter(fast[h] - v for h, v in reference.items() if not math.isinf(v))
    print(f"fast - reference: {dict(diffs)}")
    assert set(diffs) <= {0, 1, 2, 3, 4}
    assert fast["Um_nik"] == math.inf


def test_performance_rises_with_the_result() -> None:
    base = [Contestant(f"u{i}", 1200 + 10 * i, float(1000 - 7 * i), 0) for i in range(60)]
    perfs = performances(base)
    ordered = [perfs[f"u{i}"] for i in range(1, 60)]
    assert all(a >= b for a, b in itertools.pairwise(ordered))


SHARED_EXACT_SAMPLE = 30  # exact recomputation costs ~0.03 s per participant in a 15,000-row contest


def test_shared_perfs_match(shared_data: Path) -> None:
    """carrot's exact performances of the four shared rounds: every row by the fast method (within carrot's
    bound of 0..4 above, the winner's infinite), and exactly equal by the exact method on a fixed-seed
    sample of 30 participants per round plus the first, second and last."""
    rng = random.Random(20200512)
    for stem in ROUNDS:
        ref = load_perfs(shared_round(shared_data, stem, "perfs"))
        field = contestants(load_rows(shared_round(shared_data, stem, "data")))
        assert set(ref) == {c.handle for c in field}
        fast = performances(field)
        assert {h for h, v in ref.items() if math.isinf(v)} == {h for h, v in fast.items() if math.isinf(v)}
        diffs = Counter(fast[h] - v for h, v in ref.items() if not math.isinf(v))
        order = [c.handle for c in field]  # standings order
        sample = sorted({*rng.sample(order, SHARED_EXACT_SAMPLE), order[0], order[1], order[-1]})
        wrong = [(h, ref[h]) for h in sample if performance_of(field, h) != ref[h]]
        print(f"{stem}: fast-ref {dict(diffs)}; exact {len(sample) - len(wrong)}/{len(sample)} sampled rows")
        assert set(diffs) <= {0, 1, 2, 3, 4}, (stem, diffs)
        assert not wrong, (stem, wrong[:5])


def test_incremental_recomputation_equals_the_plain_one(field) -> None:  # type: ignore[no-untyped-def]
    # delta_if_rated re-searches only the need ratings that moved; the plain version searches all.
    f = Field(field)
    for handle in ("tourist", "jiangly", "kilotaras", "Son"):
        i = f.handles.index(handle)
        for assumed in (1200, 2400, 3700):
            assert f.delta_if_rated(i, assumed) == f.delta_if_rated_slow(i, assumed), (handle, assumed)
