#!/usr/bin/env bash
# `pip install ./python` into a fresh virtual environment inside the build
# folder, then the package's pytest against the build's generated models.
#   scripts/check-python.sh [BUILD_DIR]   (default: build; needs BUILD_DIR/models)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$(cd "${1:-$root/build}" && pwd)
venv=$build_dir/python-venv
[[ -f "$build_dir/models/demo_int8.lbm" ]] || { echo "check-python: build $build_dir first" >&2; exit 1; }
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
# CMAKE_BUILD_PARALLEL_LEVEL keeps the extension build to the machine's share.
# The CMake build in a sibling of BUILD_DIR (same depth under the checkout) with
# BUILD_DIR's compilers (ccache keys hold the compiler's name: c++ is not g++),
# so with CCACHE_BASEDIR set (scripts/test.sh) the library's objects come from ccache.
compilers=()
for lang in C CXX; do
  compiler=$(sed -n "s/^CMAKE_${lang}_COMPILER:[A-Z]*=//p" "$build_dir/CMakeCache.txt" 2>/dev/null || true)
  [[ -z "$compiler" ]] || compilers+=(--config-settings=cmake.define.CMAKE_${lang}_COMPILER="$compiler")
done
CMAKE_BUILD_PARALLEL_LEVEL=${LOWBIT_JOBS:-2} "$venv/bin/pip" install --quiet \
  --config-settings=cmake.define.LOWBIT_WERROR=ON --config-settings=build-dir="$build_dir-python" \
  "${compilers[@]}" "$root/python[test]"
cd "$build_dir"  # not the source tree, so `import lowbit` finds the installed package
LOWBIT_MODELS_DIR=$build_dir/models "$venv/bin/python" -m pytest -q "$root/python/tests"
echo "check-python: pip install ./python and its tests OK"
