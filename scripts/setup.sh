#!/usr/bin/env bash
# Installs what Backlot needs to build, run and test on Debian/Ubuntu (idempotent:
# every step is skipped when what it installs is already present).
# Usage: scripts/setup.sh [--no-test-deps]
set -euo pipefail
cd "$(dirname "$0")/.."

# RUST_TOOLCHAIN (rust-toolchain.toml), TRUNK_VERSION, WASM_BINDGEN_VERSION (Cargo.lock).
source scripts/tool-versions.sh

want_test_deps=1
[ "${1:-}" = "--no-test-deps" ] && want_test_deps=0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

build_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  libssl-dev libxdo-dev file build-essential pkg-config xvfb xauth)
test_pkgs=(imagemagick webkit2gtk-driver chromium chromium-driver gnome-keyring dbus-daemon
  libsecret-tools dbus-x11 x11-utils)
pkgs=("${build_pkgs[@]}")
[ "$want_test_deps" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The toolchain rust-toolchain.toml pins, with its components and the wasm target. Installed
# here explicitly: rustup does not when RUSTUP_AUTO_INSTALL=0, and then every cargo call in
# the repository fails instead.
toolchain=$RUST_TOOLCHAIN
if ! grep -q "^$toolchain-" <<<"$(rustup toolchain list)"; then
  echo "setup: installing rust toolchain $toolchain"
  if ! rustup toolchain install "$toolchain" --profile minimal --component rustfmt,clippy --target wasm32-unknown-unknown; then
    # No download (a closed network): the stable toolchain is good if it is that version.
    stable=$(rustc +stable --version 2>/dev/null | awk '{print $2}')
    if [ "$stable" != "$toolchain" ]; then
      echo "setup: rust $toolchain cannot be installed and stable is ${stable:-absent}" >&2
      exit 1
    fi
    echo "setup: using the installed stable toolchain ($stable) as $toolchain"
    rustup toolchain link "$toolchain" "$(rustc +stable --print sysroot)"
  fi
fi
for component in rustfmt clippy; do
  if ! grep -q "^$component-" <<<"$(rustup component list --toolchain "$toolchain" --installed)"; then
    echo "setup: adding $component to rust $toolchain"
    rustup component add --toolchain "$toolchain" "$component"
  fi
done
if ! grep -qx wasm32-unknown-unknown <<<"$(rustup target list --toolchain "$toolchain" --installed)"; then
  echo "setup: adding rust target wasm32-unknown-unknown to $toolchain"
  rustup target add --toolchain "$toolchain" wasm32-unknown-unknown
fi

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! "$cargo_bin/trunk" --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  echo "setup: installing trunk $TRUNK_VERSION (compiles for a while)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --no-default-features
fi
if ! "$cargo_bin/wasm-bindgen" --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Node tools (Tauri CLI, tauri-driver, binaryen's wasm-opt) are prebuilt npm packages,
# pinned in package.json / package-lock.json and installed into ./node_modules.
# (`npm ci` refuses this lock file: tauri-driver lists platform packages that were never
# published; `npm install --no-save` installs the locked versions and leaves the lock alone.)
if [ ! -x node_modules/.bin/tauri ] || [ ! -x node_modules/.bin/tauri-driver ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing node tools (npm)"
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
echo "setup: ok"
