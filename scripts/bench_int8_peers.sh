#!/usr/bin/env bash
# lowbit vs LiteRT (default path: XNNPACK delegate) end to end on the int8
# models of ../shared/models and build/models/demo_int8.lbm, 1 and 2
# threads, one table of latencies and ratios (< 1 means lowbit is faster).
#   scripts/bench_int8_peers.sh [--build build] [--threads 1,2] [--runs 30]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$root/.venv/bin/python"
[ -x "$python" ] || { echo "bench_int8_peers.sh: $python missing (the oracle venv)" >&2; exit 1; }
cd "$root"
exec "$python" "$root/scripts/bench_int8_peers.py" --models "$root/../shared/models" "$@"
