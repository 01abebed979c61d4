#!/usr/bin/env bash
# Prepares the dependency sysroot of an ARM cross build from Debian's own
# packages: the arm64/armhf XNNPACK, pthreadpool, cpuinfo, FlatBuffers, Google
# Benchmark and Catch2 .debs, and the header-only CLI11 and nlohmann-json the
# tools use (Architecture: all), are downloaded through apt and unpacked with
# dpkg-deb -x into build-sysroot/<triple> (gitignored). The C library and
# libstdc++ come from the cross toolchain (/usr/<triple>).
#   scripts/make-sysroot.sh aarch64-linux-gnu|arm-linux-gnueabihf [SYSROOT_DIR]
#
# These packages cannot be co-installed as multiarch packages, and adding a
# foreign architecture to the host's dpkg would change the machine for
# everyone, so apt runs with a private package list in the sysroot's .apt/
# (no dpkg database, no root needed). Idempotent: a sysroot whose stamp lists
# the same package versions is left alone.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
triple=${1:?usage: make-sysroot.sh aarch64-linux-gnu|arm-linux-gnueabihf [SYSROOT_DIR]}
case "$triple" in
  aarch64-linux-gnu) arch=arm64 ;;
  arm-linux-gnueabihf) arch=armhf ;;
  *) echo "make-sysroot.sh: unknown target '$triple' (aarch64-linux-gnu or arm-linux-gnueabihf)" >&2; exit 2 ;;
esac
sysroot=${2:-$root/build-sysroot/$triple}

fail() {
  echo "make-sysroot.sh: FAILED ($triple): $*" >&2
  exit 1
}
command -v apt-get >/dev/null || fail "apt-get not found (a Debian 12 host is expected)"
command -v dpkg-deb >/dev/null || fail "dpkg-deb not found"

# Runtime libraries and their -dev packages (headers, .so links, CMake files).
packages=(
  libxnnpack0 libxnnpack-dev libpthreadpool0 libpthreadpool-dev libcpuinfo0 libcpuinfo-dev
  libflatbuffers2 libflatbuffers-dev libbenchmark1debian libbenchmark-dev catch2
  libcli11-dev nlohmann-json3-dev
)

apt_dir="$sysroot/.apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
apt_opts=(
  -q -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::State::status=/dev/null" -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
  -o "APT::Sandbox::User=root"
)

# The lists are refreshed once a day at most. Mirrors are sometimes mid-sync
# ("File has unexpected size"), and one suite's index may stay broken for
# days (bookworm-security's armhf list did here), so after a few tries a
# failed update only warns: the lists that did arrive are used, and a
# package missing from all of them fails below, naming it.
if [[ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]]; then
  for attempt in 1 2 3; do
    apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 && break
    if [[ $attempt -eq 3 ]]; then
      grep -E "^(E|W):" "$apt_dir/update.log" | head -5 >&2
      echo "make-sysroot.sh: WARNING: apt-get update for $arch partly failed (log: $apt_dir/update.log);" \
           "using the package lists that arrived" >&2
    else
      sleep $((attempt * 5))
    fi
  done
fi

# Exact versions, so the stamp says whether the unpacked tree is current.
wanted=()
for pkg in "${packages[@]}"; do
  version=$(apt-cache "${apt_opts[@]}" show "$pkg:$arch" 2>/dev/null |
            sed -n 's/^Version: //p' | sort -V | tail -1)
  [[ -n "$version" ]] || fail "no $arch package '$pkg' in the apt lists"
  wanted+=("$pkg=$version")
done
stamp="$sysroot/.stamp"
if [[ -f "$stamp" && "$(cat "$stamp")" == "${wanted[*]}" && -d "$sysroot/usr/include" ]]; then
  echo "make-sysroot.sh: $sysroot is up to date"
  exit 0
fi

rm -f "$apt_dir"/debs/*.deb
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "${wanted[@]/=/:$arch=}") \
  >"$apt_dir/download.log" 2>&1 ||
  { tail -20 "$apt_dir/download.log" >&2; fail "apt-get download (log: $apt_dir/download.log)"; }

rm -rf "$sysroot/usr" "$stamp"
for deb in "$apt_dir"/debs/*.deb; do
  dpkg-deb -x "$deb" "$sysroot" || fail "dpkg-deb -x $deb"
done
for lib in libXNNPACK.so libpthreadpool.so libcpuinfo.so; do
  [[ -e "$sysroot/usr/lib/$triple/$lib" ]] || fail "$lib missing after unpacking"
done
echo "${wanted[*]}" >"$stamp"
echo "make-sysroot.sh: unpacked ${#wanted[@]} $arch packages into $sysroot"
