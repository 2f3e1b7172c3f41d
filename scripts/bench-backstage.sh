#!/usr/bin/env bash
# Backlot side by side with a real Backstage on the same generated catalog (app/benches/
# vs_backstage.rs): writes the catalog (BENCH_N entities, fixed seed), starts the shared
# Backstage peer loaded with it (EXTRA_LOCATION; 10,000 entities take it a few minutes to
# ingest), syncs it into Backlot and times the same questions on both, then the proxy's
# added latency next to Backstage's proxy. Always stops the peer.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-10000}
PEER_SCRIPT=${PEER_SCRIPT:-../shared/backstage-peer/run-backstage.sh}
CATALOG="$PWD/target/bench/catalog"
export BS_DIR=${BENCH_PEER_DIR:-/tmp/backlot-bench-peer}
export PORT=${BENCH_PEER_PORT:-7137}
export ECHO_PORT=${BENCH_PEER_ECHO_PORT:-7138}
export TOKEN=${TOKEN:-backlot-peer-token-0123456789}

rm -rf "$CATALOG"
cargo bench -p backlot-app --bench vs_backstage -- generate "$CATALOG" "$N"

stop_peer() { bash "$PEER_SCRIPT" stop >/dev/null 2>&1 || true; }
trap stop_peer EXIT
stop_peer
# The peer on SQLite in memory (its default, and Backstage's fastest setting).
N=0 EXTRA_LOCATION="$CATALOG/index.yaml" bash "$PEER_SCRIPT" start

export BACKSTAGE_PEER_URL="http://127.0.0.1:$PORT"
cargo bench -p backlot-app --bench vs_backstage -- measure "$N"
# The proxy next to Backstage's proxy-backend, both in front of the peer's echo upstream.
BACKSTAGE_PROXY_URL="$BACKSTAGE_PEER_URL/api/proxy/echo" BACKSTAGE_ECHO_URL="http://127.0.0.1:$ECHO_PORT" \
  cargo bench -p backlot-proxy-backend --bench proxy_latency
