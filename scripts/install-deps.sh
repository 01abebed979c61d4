#!/usr/bin/env bash
# Installs what building and testing lowbit needs on Debian 12 (bookworm).
# Idempotent: when every package is already installed it touches nothing and
# needs no privileges. Runs apt-get directly as root, through sudo otherwise.
#   scripts/install-deps.sh            build, test and benchmark dependencies
#   scripts/install-deps.sh --cross    also the aarch64/armhf cross toolchains, and arm-none-eabi + qemu-system-arm
#   scripts/install-deps.sh --fuzz     also clang, its sanitizer/libFuzzer runtimes and llvm-symbolizer
#   scripts/install-deps.sh --oracle   also a Python venv in .venv with LiteRT, Larq, LCE, TensorFlow, Larq Zoo
#                                      and Fashion-MNIST for scripts/conformance.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
oracle=0

packages=(
  build-essential cmake ninja-build ccache git pkg-config
  libxnnpack-dev libcpuinfo-dev libpthreadpool-dev
  flatbuffers-compiler libflatbuffers-dev
  catch2 libbenchmark-dev
  libcli11-dev nlohmann-json3-dev  # the tools' flags and bench_model's JSON (header-only)
  libstb-dev  # the image examples read, resize and write images with stb
  qemu-user  # the test suite runs the x86 fallbacks under qemu-x86_64 -cpu Haswell/Nehalem
  python3-dev python3-venv  # scripts/check-python.sh: pip install ./python in a fresh venv
)
for arg in "$@"; do
  case "$arg" in
    # Bare-metal Cortex-M4 too (scripts/check-firmware.sh): GCC, newlib, libstdc++, qemu-system-arm.
    --cross) packages+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf gcc-arm-none-eabi
                        libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev llvm) ;;  # scripts/fuzz.sh
    --oracle) packages+=(python3 python3-venv dataset-fashion-mnist); oracle=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done

# The oracle venv comes from PyPI (LiteRT is not packaged for Debian).
setup_oracle_venv() {
  [[ $oracle -eq 1 ]] || return 0
  if [[ ! -x "$root/.venv/bin/python" ]]; then
    python3 -m venv "$root/.venv"
  fi
  # Pinned: the set tests/conformance and the peer benchmarks were last run with.
  # Larq 0.14 needs Keras 2 (tf_keras); onnx/onnxruntime: scripts/bench_peers.sh layers.
  if ! TF_USE_LEGACY_KERAS=1 "$root/.venv/bin/python" -c \
      'import ai_edge_litert, numpy, flatbuffers, tf_keras, larq, larq_compute_engine, onnx, onnxruntime, tflite_micro, larq_zoo' \
      2>/dev/null; then
    "$root/.venv/bin/pip" install -q ai-edge-litert==2.3.0 larq-compute-engine==0.16.0 larq==0.14.0 \
      tensorflow==2.21.0 tf-keras==2.21.0 numpy==1.26.4 flatbuffers onnx==1.23.2 onnxruntime==1.32.0 tflite-micro==0.dev20261023182759
    # Larq Zoo (tests/conformance/quicknet_small.py: QuickNet-Small, scripts/test-arm.sh). Its
    # metadata pins protobuf<3.21, which breaks TensorFlow 2.21: larq-zoo and zookeeper come
    # without their dependencies, what they import is installed beside them, and protobuf last,
    # at the version TensorFlow runs with.
    "$root/.venv/bin/pip" install -q --no-deps larq-zoo==2.4.0 zookeeper==1.4.0
    "$root/.venv/bin/pip" install -q tensorflow-datasets==4.9.10 click==8.5.1 typeguard==4.6.1
    "$root/.venv/bin/pip" install -q protobuf==7.36.2
  fi
  # TFLite Micro (the oracle of int8-state SVDF models, which LiteRT misreads) wants NumPy 2:
  # a venv of its own, .venv-tflm (tests/conformance/svdf_rnn_cases.py).
  if ! "$root/.venv-tflm/bin/python" -c 'import tflite_micro' 2>/dev/null; then
    python3 -m venv "$root/.venv-tflm"
    "$root/.venv-tflm/bin/pip" install -q tflite-micro==0.dev20261023182759 numpy==2.4.6
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  setup_oracle_venv
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "install-deps.sh: apt-get not found; install these by hand: ${missing[*]}" >&2
  exit 1
fi
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps.sh: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
setup_oracle_venv
