#!/usr/bin/env bash
# Conformance of lowbit against LiteRT (int8 oracle) and Larq Compute Engine (binary oracle).
#   scripts/conformance.sh [--ci | --quick] [--seed N] [--inputs N] [--build-dir DIR] [--doc FILE]
#                           [--only REGEX] [--kernel SET] [--no-fashion] [--regenerate] [--refresh-fixtures]
# Builds lowbit-convert and lowbit-run in the build folder (default build/), generates the test
# models into DIR/conformance/models, runs every shared and generated model with fresh random
# inputs and writes a Markdown report (default DIR/conformance/conformance.md;
# `--doc docs/conformance.md` records the run in the docs). Needs the oracle venv:
# scripts/install-deps.sh --oracle. Exit status 1 when a difference is not explained.
# --ci: the committed models of tests/conformance/fixtures, 10 fresh inputs each, both oracles,
# once with the best kernels (report DIR/conformance/conformance.md) and once with the reference
# kernels (conformance-reference.md); needs only ai-edge-litert and LCE's interpreter (no
# TensorFlow), installed into a venv in the build folder when .venv lacks them (about 40 s).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/build"
doc=""
ci=0
passthrough=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$(realpath -m "$2"); shift 2 ;;
    --doc) doc=$(realpath -m "$2"); shift 2 ;;
    --ci) ci=1; shift ;;
    --quick|--regenerate|--no-fashion|--refresh-fixtures) passthrough+=("$1"); shift ;;
    --seed|--inputs|--only|--kernel) passthrough+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "conformance.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
python="$root/.venv/bin/python"
export TF_CPP_MIN_LOG_LEVEL=3 TF_USE_LEGACY_KERAS=1  # larq needs Keras 2 (tf_keras)
oracles_only='import importlib.util as u, ai_edge_litert; assert u.find_spec("larq_compute_engine")'
if [[ $ci == 1 ]]; then
  if ! "$python" -c "$oracles_only" 2>/dev/null; then
    python="$build_dir/conformance/oracle-venv/bin/python"
    if ! "$python" -c "$oracles_only" 2>/dev/null; then
      echo "conformance.sh: installing the oracles into $build_dir/conformance/oracle-venv" >&2
      mkdir -p "$build_dir/conformance"
      if ! { python3 -m venv "$build_dir/conformance/oracle-venv" &&
             "$build_dir/conformance/oracle-venv/bin/pip" install --quiet --disable-pip-version-check \
               ai-edge-litert==2.3.0 larq-compute-engine==0.16.0 numpy==1.26.4; }; then
        echo "conformance.sh: could not install ai-edge-litert and larq-compute-engine (offline?);" \
             "the conformance sweep did not run" >&2
        exit 1
      fi
    fi
  fi
  # Both kernel-set passes draw the same inputs.
  [[ " ${passthrough[*]} " == *" --seed "* ]] || passthrough+=(--seed $(( $(date +%s) % 1000000 )))
  passthrough=(--fixtures --inputs 10 "${passthrough[@]}")
elif ! "$python" -c 'import ai_edge_litert, larq_compute_engine, larq, tf_keras' 2>/dev/null; then
  echo "conformance.sh: the oracle venv is missing or incomplete; run scripts/install-deps.sh --oracle" >&2
  exit 1
fi
[[ -f "$build_dir/build.ninja" ]] || cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOWBIT_WERROR=ON >/dev/null
mkdir -p "$build_dir/conformance"
if ! cmake --build "$build_dir" -j2 --target lowbit-convert lowbit-run >"$build_dir/conformance/build.log" 2>&1; then
  cat "$build_dir/conformance/build.log" >&2
  exit 1
fi
: "${doc:=$build_dir/conformance/conformance.md}"
# TensorFlow and the converters log heavily on stderr; keep it in a file and show only the table.
"$python" "$root/tests/conformance/run_conformance.py" --build-dir "$build_dir" \
  --write-doc "$doc" "${passthrough[@]}" 2>"$build_dir/conformance/stderr.log"
if [[ $ci == 1 ]]; then
  "$python" "$root/tests/conformance/run_conformance.py" --build-dir "$build_dir" \
    --write-doc "${doc%.md}-reference.md" "${passthrough[@]}" --kernel reference \
    2>"$build_dir/conformance/stderr-reference.log"
fi
