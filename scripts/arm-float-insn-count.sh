#!/usr/bin/env bash
# Instructions per multiply-accumulate of lowbit's own float32 kernels on ARM
# (docs/arm.md), measured like the int8 ones: one-layer float models (the
# float GEMM through a 1x1 CONV_2D, a 3x3 CONV_2D through patches + GEMM,
# FULLY_CONNECTED, a 3x3 DEPTHWISE_CONV_2D), each counted with
# scripts/arm-insn-count.sh under qemu (--float-kernels=own), one inference,
# with the reference kernel set and with the CPU's best (auto).
#   scripts/arm-float-insn-count.sh BUILD_DIR QEMU_CPU [NATIVE_BUILD]
#   e.g. scripts/arm-float-insn-count.sh build-aarch64 cortex-a76 build
# BUILD_DIR: an ARM build with bench_model; NATIVE_BUILD (default build): an
# x86-64 build with lowbit-convert. The models are written by Keras' TFLite
# converter (the oracle venv, scripts/install-deps.sh --oracle) into
# BUILD_DIR/float-insn-models (kept: delete the folder to write them again).
# Re-run after the float kernels change.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:?usage: arm-float-insn-count.sh BUILD_DIR QEMU_CPU [NATIVE_BUILD]}
cpu=${2:?QEMU_CPU missing}
native=${3:-$root/build}
models="$build_dir/float-insn-models"
mkdir -p "$models"
# name: MACs per inference (written by the generator below, one per line).
[[ -f "$models/macs.txt" ]] ||
TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 "$root/.venv/bin/python" - "$models" <<'PY' >/dev/null 2>&1
import os, sys
import numpy as np
import tensorflow as tf
keras = tf.keras
out = sys.argv[1]
tf.keras.utils.set_random_seed(5)
layers = {
    # name: (input shape, layer, MACs)
    "f32_conv1x1_28x28x64to64": ((28, 28, 64), keras.layers.Conv2D(64, 1, activation="relu"),
                                 28 * 28 * 64 * 64),
    "f32_conv3x3_28x28x32to64": ((28, 28, 32), keras.layers.Conv2D(64, 3, padding="same"),
                                 28 * 28 * 9 * 32 * 64),
    "f32_fc_1024to1000": ((1024,), keras.layers.Dense(1000), 1024 * 1000),
    "f32_dwconv3x3_28x28x64": ((28, 28, 64), keras.layers.DepthwiseConv2D(3, padding="same"),
                               28 * 28 * 9 * 64),
}
with open(os.path.join(out, "macs.txt"), "w") as macs:
    for name, (shape, layer, count) in layers.items():
        x = keras.Input(shape, batch_size=1)
        model = keras.Model(x, layer(x))
        tflite = tf.lite.TFLiteConverter.from_keras_model(model).convert()
        with open(os.path.join(out, name + ".tflite"), "wb") as f:
            f.write(tflite)
        macs.write(f"{name} {count}\n")
PY
[[ -f "$models/macs.txt" ]] || { echo "arm-float-insn-count.sh: the model generator failed" >&2; exit 1; }
echo "own float kernels on $(basename "$build_dir") -cpu $cpu: instructions per inference / MACs"
while read -r name macs; do
  "$native/bin/lowbit-convert" --quiet "$models/$name.tflite" "$models/$name.lbm"
  for kernel in reference auto; do
    counts=$("$root/scripts/arm-insn-count.sh" "$build_dir" "$cpu" "$models/$name.lbm" \
      --float-kernels=own --kernel="$kernel") ||
      { echo "arm-float-insn-count.sh: counting $name ($kernel) failed" >&2; exit 1; }
    grep -q "^  total " <<<"$counts" ||
      { echo "arm-float-insn-count.sh: no count for $name ($kernel): $counts" >&2; exit 1; }
    awk -v name="$name" -v kernel="$kernel" -v macs="$macs" '
      /^  total / { total = $2 }
      /^  (fmla|fmul|fadd|fmadd|vfma|vmla|vmul|vadd)/ { n = $NF; $NF = ""; extra = extra sprintf(", %s %.3g/MAC", $0, n / macs) }
      END { printf "  %-26s %-9s %6.2f M MACs  %8.2f M insns  %6.3f insns/MAC%s\n",
            name, kernel, macs / 1e6, total / 1e6, total / macs, extra }' <<<"$counts"
  done
done <"$models/macs.txt"
