#!/usr/bin/env bash
# The toolchain's and build tools' pinned versions, each written in one place:
#   RUST_TOOLCHAIN        rust-toolchain.toml's channel.
#   TRUNK_VERSION         here. 0.22.x needs rustc >= 1.96.1; rust-toolchain.toml pins 1.95.0.
#   WASM_BINDGEN_VERSION  the `wasm-bindgen` crate in Cargo.lock (pinned with "=" in the root
#                         Cargo.toml). wasm-bindgen-cli must be exactly that version; trunk
#                         takes the same version from cargo's metadata (src-ui/Trunk.toml names
#                         none), and with `offline = true` it uses the one on PATH only if equal.
# Sourced by scripts/setup.sh. Run, it prints NAME=VERSION lines (the release workflow appends
# them to $GITHUB_OUTPUT).
here=$(dirname "${BASH_SOURCE[0]}")/..
RUST_TOOLCHAIN=$(sed -n 's/^channel = "\([^"]*\)".*/\1/p' "$here/rust-toolchain.toml")
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=$(awk '{ sub(/\r$/, "") }
  found { gsub(/^version = "|"$/, ""); print; exit }
  $0 == "name = \"wasm-bindgen\"" { found = 1 }' "$here/Cargo.lock")
if [ -z "$RUST_TOOLCHAIN" ] || [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "tool-versions: no channel in rust-toolchain.toml or no wasm-bindgen in Cargo.lock" >&2
  # shellcheck disable=SC2317  # exit: when run rather than sourced
  return 1 2>/dev/null || exit 1
fi
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  printf 'RUST_TOOLCHAIN=%s\nTRUNK_VERSION=%s\nWASM_BINDGEN_VERSION=%s\n' \
    "$RUST_TOOLCHAIN" "$TRUNK_VERSION" "$WASM_BINDGEN_VERSION"
fi
