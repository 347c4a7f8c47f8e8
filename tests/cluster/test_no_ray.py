"""No Ray, no change: without --cluster nothing imports Ray; without Ray installed --cluster says how to get it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_commands_without_cluster_never_import_ray() -> None:
    """The CLI is imported and `rate` and `contest` run (to a usage error after parsing and checking their
    options, where --cluster would load Ray); Ray stays unloaded."""
    done = _python(
        """
        import sys
        from solver.cli import main
        codes = [main(["rate", "--contests", "1349", "--parallel", "0"]),
                 main(["contest", "1349", "--max-submissions", "0"]),
                 main(["rate", "--contests", "1349", "--cluster", ""])]
        print(codes, "ray" in sys.modules, sorted(m for m in sys.modules if m.startswith("ray")))
        """
    )
    assert done.stdout.strip().startswith("[2, 2, 2] False []"), done.stdout + done.stderr
    assert "--parallel must be at least 1" in done.stderr and "--cluster needs an address" in done.stderr


def test_cluster_without_ray_says_how_to_install_it() -> None:
    done = _python(
        """
        import sys
        sys.modules["ray"] = None  # as if Ray were not installed: importing it raises ImportError
        from solver.cli import main
        print(main(["rate", "--contests", "1349", "--cluster", "local"]))
        """
    )
    assert done.stdout.strip() == "2", done.stdout + done.stderr
    assert "--cluster needs Ray" in done.stderr and "pip install -e '.[cluster]'" in done.stderr
