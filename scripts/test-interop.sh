#!/usr/bin/env bash
# Interop tests against a real Backstage backend (../shared/backstage-peer): sync its
# catalog and compare, and put the same requests through its proxy and ours. Starts the
# peer (installing it the first time: a few minutes), runs the tests, always stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

PEER_SCRIPT=${PEER_SCRIPT:-../shared/backstage-peer/run-backstage.sh}
export BS_DIR=${BS_DIR:-/tmp/backlot-interop-peer}
export PORT=${PEER_PORT:-7097}
export ECHO_PORT=${PEER_ECHO_PORT:-7098}
export TOKEN=${TOKEN:-backlot-peer-token-0123456789}

if [ ! -f "$PEER_SCRIPT" ]; then
  echo "test-interop: no Backstage peer script at $PEER_SCRIPT" >&2
  exit 2
fi
stop_peer() { bash "$PEER_SCRIPT" stop >/dev/null 2>&1 || true; }
trap stop_peer EXIT
stop_peer
bash "$PEER_SCRIPT" start

export BACKSTAGE_PEER_URL="http://127.0.0.1:$PORT"
export BACKSTAGE_PEER_ECHO="http://127.0.0.1:$ECHO_PORT"
cargo test -p backlot-catalog-sync --features backstage-peer --test backstage_peer
cargo test -p backlot-proxy-backend --features backstage-peer --test backstage_peer

# Sign-in and write-back against a real Backstage with the auth backend (Backlot's own peer
# setup: tests/interop/run-auth-peer.sh, pinned by tests/interop/auth-peer-lock.json). The
# test plays the browser; the session goes to a private Secret Service (with-keyring.sh).
stop_peer
AUTH_PEER=tests/interop/run-auth-peer.sh
stop_auth_peer() { bash "$AUTH_PEER" stop >/dev/null 2>&1 || true; }
trap 'stop_peer; stop_auth_peer' EXIT
export BACKSTAGE_AUTH_PEER_URL="http://127.0.0.1:${AUTH_PEER_PORT:-7117}"
export BACKSTAGE_AUTH_PEER_FILES="http://127.0.0.1:${AUTH_PEER_FILES_PORT:-7119}"
AUTH_ENV=(env -u BS_DIR -u PORT -u ECHO_PORT -u TOKEN PORT="${AUTH_PEER_PORT:-7117}" FILES_PORT="${AUTH_PEER_FILES_PORT:-7119}")
"${AUTH_ENV[@]}" bash "$AUTH_PEER" start >/dev/null
scripts/with-keyring.sh cargo test -p backlot-app --features backstage-peer --test backstage_auth_peer -- --test-threads=1
# Again with the permission framework on (a policy denying users location writes).
"${AUTH_ENV[@]}" PERMISSION=on bash "$AUTH_PEER" start >/dev/null
BACKSTAGE_AUTH_PEER_PERMISSION=on scripts/with-keyring.sh \
  cargo test -p backlot-app --features backstage-peer --test backstage_auth_peer -- --test-threads=1 permission

# Software Templates: a real Backstage scaffolder (tests/interop/run-scaffolder-peer.sh,
# pinned by tests/interop/scaffolder-peer-lock.json) answers the corpus's dry runs exactly as
# recorded in tests/fixtures/templates — the recordings Backlot's dry runs are compared with,
# file by file and byte for byte (plugins/scaffolder-backend/tests/backstage_parity.rs).
stop_auth_peer
env -u BS_DIR -u PORT -u ECHO_PORT -u TOKEN tests/interop/record-scaffolder.sh
if [ -n "$(git status --porcelain -- tests/fixtures/templates)" ]; then
  git status --short -- tests/fixtures/templates >&2
  echo "test-interop: the real Backstage no longer answers the template corpus as recorded" >&2
  exit 1
fi
cargo test -p backlot-scaffolder-backend --test backstage_parity
