#!/usr/bin/env bash
# Installs lowbit into a temporary prefix and builds examples/consumer (C and
# C++, through find_package(lowbit)) plus a pkg-config build of the C consumer
# against it, then runs them.
#   scripts/check-install.sh [BUILD_DIR]    (default: build-install)
# BUILD_DIR is configured with tests and benchmarks off; ccache keeps it cheap.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$root/build-install}
jobs=${LOWBIT_JOBS:-2}
work=$(mktemp -d /tmp/lowbit-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake -S "$root" -B "$build_dir" -G Ninja -DLOWBIT_WERROR=ON -DLOWBIT_BUILD_TESTS=OFF -DLOWBIT_BUILD_BENCHMARKS=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$build_dir" -j "$jobs" --target lowbit lowbit_models
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
for f in include/lowbit/c_api.h include/lowbit/lowbit.h lib/liblowbit.a lib/liblowbit_kernels.a \
         lib/cmake/lowbit/lowbitConfig.cmake lib/pkgconfig/lowbit.pc; do
  [[ -f "$prefix/$f" ]] || { echo "check-install: $f not installed" >&2; exit 1; }
done

# The installed headers must compile warning-free in a consumer's build too.
warn="-Wall -Wextra -Werror"
cmake -S "$root/examples/consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$warn" -DCMAKE_CXX_FLAGS="$warn" >/dev/null
cmake --build "$work/consumer" -j "$jobs" >/dev/null
model=$build_dir/models/demo_int8.lbm
"$work/consumer/consumer_cpp"
"$work/consumer/consumer_c" "$model"

# pkg-config, as a Makefile-based firmware or app build would use it.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc -std=c99 $warn -o "$work/consumer_c_pkgconfig" "$root/examples/consumer/consumer.c" \
  $(pkg-config --cflags --libs lowbit)
"$work/consumer_c_pkgconfig" "$model"
echo "check-install: installed package OK (CMake and pkg-config consumers)"
