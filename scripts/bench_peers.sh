#!/usr/bin/env bash
# lowbit beside LiteRT, Larq Compute Engine and ONNX Runtime: scripts/bench_peers.py run with the
# repository's .venv (scripts/install-deps.sh --oracle) or the venv in $LOWBIT_VENV.
#   scripts/bench_peers.sh e2e    [--build build] [--threads 1,2] [--runs 50] [--rounds 3] [--only vww,resnet]
#                                 [--markdown]   (issue 16's end-to-end table, both profiles vs LiteRT)
#   scripts/bench_peers.sh int8   [--build build] [--threads 1,2] [--runs 30] [--profile P] [--markdown]
#   scripts/bench_peers.sh binary [--build build] [--threads 1,2] [--runs 30] [--quick] [--regenerate]
#   scripts/bench_peers.sh layers [--build build] [--min-time 0.2] [--int8-activations] [--markdown]
#   scripts/bench_peers.sh zoo    [--build build] [--threads 1,2] [--runs 30] [--budget 3] [--quick]
#                                 [--set vision|audio] [--only deeplab,movenet] [--profiles P,Q]
#                                 [--markdown]
#   scripts/bench_peers.sh profiles [--build build] [--threads 1,2] [--runs 100] [--rounds 5]
#                                 [--extra a.tflite,b.tflite] [--only vww,kws] [--kinds] [--markdown]
# Every table names the CPU (lscpu's model name). binary exits 1 when lowbit's reference and SIMD
# kernels disagree on a model.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python="${LOWBIT_VENV:-$root/.venv}/bin/python"
if [[ ! -x $python ]]; then
  echo "bench_peers.sh: $python is missing: scripts/install-deps.sh --oracle, or set LOWBIT_VENV" >&2
  exit 1
fi
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2} TF_USE_LEGACY_KERAS=1  # Larq needs Keras 2
exec "$python" "$root/scripts/bench_peers.py" "$@"
