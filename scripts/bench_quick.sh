#!/bin/sh
# Every benchmark in bench/ once, in its quick mode (each well under a minute), so none can rot unnoticed.
# The figures are not checked: a benchmark that no longer runs is the failure. The Docker ones need the
# judge image (built on first use). Usage: scripts/bench_quick.sh   (from anywhere; exits non-zero on the
# first benchmark that fails)
set -eu
cd "$(dirname "$0")/.."
for bench in bench/*_bench.py; do
    echo "== $bench --quick"
    python3 "$bench" --quick
done
