#!/usr/bin/env bash
# Makes the seed corpora of the fuzz targets in a gitignored folder (never
# copies of ../shared/models into git):
#   fuzz/make_corpora.sh BUILD_DIR OUT_DIR [MAX_BYTES]
# OUT_DIR/lbm   .lbm files: the build's demo/block models (lowbit-make-models),
#               one or more per operator of ops.def, with option and dtype
#               variants (lowbit-fuzz-op-seeds, fuzz/op_seeds*.cpp),
#               ../shared/models and conformance .tflite files converted
# OUT_DIR/tflite  the .tflite files of ../shared/models and of tests/conformance runs,
#               and one-operator models per builtin (fuzz/make_tflite_op_seeds.py)
# OUT_DIR/lce_options  FlexBuffer option maps (hand-made and from LCE models)
# Files above MAX_BYTES (default 65536, the fuzz runs' -max_len) are left out:
# libFuzzer would truncate them into unrepresentative seeds.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:?usage: make_corpora.sh BUILD_DIR OUT_DIR [MAX_BYTES]}
out=${2:?usage: make_corpora.sh BUILD_DIR OUT_DIR [MAX_BYTES]}
max_bytes=${3:-65536}
shared="$root/../shared/models"
bin="$build_dir/bin"

rm -rf "$out"
mkdir -p "$out/lbm" "$out/tflite" "$out/lce_options"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

small() { [[ $(stat -c %s "$1") -le $max_bytes ]]; }

"$bin/lowbit-make-models" "$work/made" >/dev/null
tflites=()
[[ -d "$shared" ]] && while IFS= read -r f; do tflites+=("$f"); done \
  < <(find "$shared" -name '*.tflite' | sort)
# LCE and int8 models that tests/conformance generated into any build folder.
while IFS= read -r f; do tflites+=("$f"); done \
  < <(find "$root" -maxdepth 4 -path "$root/build*/conformance/*" -name '*.tflite' 2>/dev/null | sort)

# One-operator models of the issue-14 builtins and of operators 54-66 with
# their options and dtypes, from the conformance sweeps' case generators
# (fuzz/make_tflite_op_seeds.py; the TensorFlow-made ones, the LSTMs among
# them, only when the oracle venv has TensorFlow).
python="$root/.venv/bin/python"
[[ -x "$python" ]] || python=python3
if TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 "$python" "$root/fuzz/make_tflite_op_seeds.py" \
    "$work/op_seeds" >"$work/op_seeds.log" 2>&1; then
  tail -1 "$work/op_seeds.log"
  while IFS= read -r f; do tflites+=("$f"); done < <(find "$work/op_seeds" -name '*.tflite' | sort)
else
  echo "make_corpora.sh: no .tflite operator seeds ($python lacks numpy/flatbuffers):" \
       "$(tail -1 "$work/op_seeds.log")"
fi

n=0
for f in "${tflites[@]}"; do
  name="t$((n++))_$(basename "$f" .tflite)"
  small "$f" && cp "$f" "$out/tflite/$name.tflite"
  if "$bin/lowbit-convert" "$f" "$work/$name.lbm" >/dev/null 2>&1 && small "$work/$name.lbm"; then
    cp "$work/$name.lbm" "$out/lbm/"
  fi
done
for f in "$work"/made/*.lbm; do
  small "$f" && cp "$f" "$out/lbm/made_$(basename "$f")"
done
"$bin/lowbit-fuzz-lce-seeds" "$out/lce_options" "${tflites[@]}" >/dev/null
# One small valid model per operator with its options (fuzz/make_op_seeds.cpp).
"$bin/lowbit-fuzz-op-seeds" "$out/lbm" >/dev/null

for kind in lbm tflite lce_options; do
  count=$(find "$out/$kind" -type f | wc -l)
  echo "make_corpora.sh: $count seeds in $out/$kind"
  [[ $count -gt 0 ]] || { echo "make_corpora.sh: no $kind seeds" >&2; exit 1; }
done
