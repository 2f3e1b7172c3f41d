#!/bin/sh
# Runs a command against a real, unlocked Secret Service (gnome-keyring) on a private
# D-Bus session, with a throw-away HOME, so tests never touch the user's own keyring.
#
#   scripts/with-keyring.sh cargo test -p backlot-secrets
#
# Needs: dbus-run-session (dbus-daemon), gnome-keyring-daemon; secret-tool (libsecret-tools)
# is used by some tests to look at or lock the keyring from outside.
# Exports BACKLOT_KEYRING_SESSION=1 so tests know they run inside such a session.
# Keeps CARGO_HOME/RUSTUP_HOME pointing at the caller's toolchain despite the new HOME.
set -eu

if [ "$#" -eq 0 ]; then
    echo "usage: $0 <command> [args…]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: '$tool' not found (Debian: apt-get install dbus-daemon gnome-keyring libsecret-tools)" >&2
        exit 127
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/backlot-keyring.XXXXXX")
cleanup() { rm -rf "$T"; }
trap cleanup EXIT INT TERM
mkdir -p "$T/data" "$T/config" "$T/run" "$T/cache"
chmod 700 "$T/run"

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export HOME="$T"
export XDG_DATA_HOME="$T/data"
export XDG_CONFIG_HOME="$T/config"
export XDG_CACHE_HOME="$T/cache"
export XDG_RUNTIME_DIR="$T/run"
export BACKLOT_KEYRING_SESSION=1
export BACKLOT_KEYRING_PASSWORD="${BACKLOT_KEYRING_PASSWORD:-backlot-test}"

# Inside the session: start the daemon with the secrets component, unlocked with the test
# password (it creates the default "login" keyring on first unlock), then run the command.
# "Failed to set fd limit" from dbus-daemon is harmless.
exec dbus-run-session -- sh -c '
    printf %s "$BACKLOT_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "$@"
' with-keyring "$@"
