#!/usr/bin/env bash
# run-scaffolder-peer.sh - a real Backstage backend WITH the scaffolder (Software Templates),
# for Backlot's template interop tests: Backlot's dry run of a template must produce the
# same files as Backstage's `POST /api/scaffolder/v2/dry-run`.
#
# Derived from the shared peer (/work/shared/backstage-peer/run-backstage.sh) and
# run-auth-peer.sh: catalog (+ Template kind), SQLite, a static external-access token, plus
#   - @backstage/plugin-scaffolder-backend 4.3.0 (built-in actions: fetch:*, fs:*, debug:*,
#     catalog:register/write/fetch, ...; /api/scaffolder/v2/dry-run)
#   - @backstage/plugin-scaffolder-backend-module-github 0.10.4 (publish:github*, github:*;
#     without it those steps fail as "not registered" instead of being skipped in dry run)
#   - @backstage/plugin-scaffolder-backend-module-notifications 0.1.28 (notification:send)
#   - an integrations.github entry with a dummy token: publish:github:pull-request builds its
#     GitHub client before it checks for dry run (nothing ever calls GitHub)
# See SCAFFOLDER-NOTES.md next to this script for what the dry run does, and
# scaffolder-dry-run.py / record-scaffolder.sh for the client and the recorder.
#
#   ./run-scaffolder-peer.sh start     install (if needed), write files, start, wait until ready, print PID
#   ./run-scaffolder-peer.sh stop      stop the backend (by saved PID)
#   ./run-scaffolder-peer.sh status    print PID and whether the scaffolder answers
#   ./run-scaffolder-peer.sh install   only install node_modules (idempotent)
#
# Env: BS_DIR (default /tmp/backlot-scaffolder-peer)  work dir (node_modules, config, catalog, logs)
#      PORT (7127)   TOKEN (backlot-peer-token-0123456789)  static external-access token
#      (send `Authorization: Bearer $TOKEN`; the caller is then a service principal)
#      DB (memory|file, default memory)
# Pinned versions: package-lock.json is scaffolder-peer-lock.json next to this script (npm ci).
# Needs: Node 20/22/24 + npm, and python3/make/g++ (better-sqlite3 is compiled from
# source: its prebuilt-binary download needs GitHub, which is unreachable here).
set -euo pipefail

BS_DIR=${BS_DIR:-/tmp/backlot-scaffolder-peer}
PORT=${PORT:-7127}
TOKEN=${TOKEN:-backlot-peer-token-0123456789}
DB=${DB:-memory}
SELF="$(readlink -f "$0")"
HERE="$(dirname "$SELF")"
LOCKFILE="$HERE/scaffolder-peer-lock.json"

log() { printf '[backlot-scaffolder-peer %s] %s\n' "$(date +%T)" "$*" >&2; }

# 200 when the scaffolder plugin answers (it lists its actions).
scaffolder_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/scaffolder/v2/actions")" = 200 ]
}

# 200 when the sample catalog (catalog/all.yaml) has been ingested.
catalog_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/catalog/entities/by-name/component/default/ledger-api")" = 200 ]
}

stop_all() {
  for f in backend.pid; do
    if [ -f "$BS_DIR/$f" ]; then
      pid=$(cat "$BS_DIR/$f")
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" && log "stopped $f ($pid)"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      fi
      rm -f "$BS_DIR/$f"
    fi
  done
}

write_package() {
  mkdir -p "$BS_DIR"
  cd "$BS_DIR"
  cat > package.json <<'EOF'
{
  "name": "backlot-scaffolder-peer-backend",
  "version": "0.0.0",
  "private": true,
  "main": "index.js",
  "engines": { "node": "20 || 22 || 24" },
  "scripts": { "start": "node index.js" },
  "dependencies": {
    "@backstage/backend-defaults": "0.19.0",
    "@backstage/backend-plugin-api": "1.12.0",
    "@backstage/plugin-catalog-backend": "4.0.5",
    "@backstage/plugin-catalog-backend-module-scaffolder-entity-model": "0.2.26",
    "@backstage/plugin-catalog-node": "3.0.0",
    "@backstage/plugin-scaffolder-backend": "4.3.0",
    "@backstage/plugin-scaffolder-backend-module-github": "0.10.4",
    "@backstage/plugin-scaffolder-backend-module-notifications": "0.1.28",
    "better-sqlite3": "12.11.1",
    "yaml": "2.8.1"
  },
  "allowScripts": { "better-sqlite3": true }
}
EOF
  # Pinned lockfile (npm ci) lives next to this script.
  cp "$LOCKFILE" package-lock.json
}

write_files() {
  mkdir -p "$BS_DIR/catalog" "$BS_DIR/data"
  cd "$BS_DIR"
  cat > index.js <<'EOF'
// Minimal Backstage backend (new backend system) with the scaffolder, plain CommonJS.
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(require('@backstage/plugin-scaffolder-backend'));
backend.add(require('@backstage/plugin-scaffolder-backend-module-github'));
if (process.env.PEER_NOTIFICATIONS !== 'off') {
  backend.add(require('@backstage/plugin-scaffolder-backend-module-notifications'));
}
backend.start();
EOF
  if [ "$DB" = file ]; then
    DB_CONN=$'\n      directory: ./data'
  else
    DB_CONN=" ':memory:'"
  fi
  cat > app-config.yaml <<EOF
app:
  baseUrl: http://127.0.0.1:3000
backend:
  baseUrl: http://127.0.0.1:$PORT
  listen:
    host: 127.0.0.1
    port: $PORT
  database:
    client: better-sqlite3
    connection:$DB_CONN
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: desktop-client
integrations:
  github:
    # Never used (nothing reaches GitHub in a dry run), but publish:github:pull-request
    # builds its client before its dry-run check and fails without credentials.
    - host: github.com
      token: dummy-github-token-not-used
catalog:
  rules:
    - allow: [Component, System, API, Resource, Location, Domain, Group, User, Template]
  locations:
    - type: file
      target: ./catalog/all.yaml
EOF
  # A tiny catalog, for catalog:fetch in the corpus (tests/fixtures/templates/catalog-actions).
  cat > catalog/all.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-harbor
  description: Harbor team (scaffolder peer sample)
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger-api
  description: Ledger API (scaffolder peer sample)
  tags: [ledger, kotlin]
spec:
  type: service
  lifecycle: production
  owner: group:default/team-harbor
EOF
}

install_deps() {
  write_package
  cd "$BS_DIR"
  if [ -f node_modules/.peer-installed ] && cmp -s package-lock.json node_modules/.peer-installed; then
    log "node_modules up to date, skipping npm ci"; return
  fi
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  case "$major" in 20|22|24) ;; *) log "WARNING: Node $major untested (use 20, 22 or 24)";; esac
  for t in python3 make g++; do
    command -v "$t" >/dev/null || { log "installing build tools"; apt-get update -qq && apt-get install -y -qq python3 make g++; break; }
  done
  local extra=()
  # node-gyp would download Node headers from nodejs.org (unreachable); use local ones.
  [ -f /usr/include/node/node.h ] && extra+=(--nodedir=/usr)
  local t0=$SECONDS
  log "npm ci (better-sqlite3 compiles from source: ~3 min on 2 cores)"
  npm ci --no-audit --no-fund "${extra[@]}" >&2
  node -e "new (require('better-sqlite3'))(':memory:')" || { log "better-sqlite3 failed to load"; exit 1; }
  cp package-lock.json node_modules/.peer-installed
  log "installed in $((SECONDS - t0))s"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_all() {
  local t0=$SECONDS
  stop_all
  port_busy "$PORT" && { log "port $PORT already in use (another backend?); stop it first"; exit 1; }
  install_deps
  write_files
  cd "$BS_DIR"
  rm -rf data/*
  local ts=$SECONDS
  NODE_ENV=${NODE_ENV:-development} nohup node index.js > backend.log 2>&1 &
  local pid=$!; echo $pid > backend.pid
  log "backend pid $pid, waiting for http://127.0.0.1:$PORT/api/scaffolder/v2/actions"
  for _ in $(seq 1 240); do
    scaffolder_ready && break
    kill -0 $pid 2>/dev/null || { log "backend died:"; tail -30 backend.log >&2; exit 1; }
    sleep 0.5
  done
  scaffolder_ready || { log "scaffolder not ready after 120 s:"; tail -30 backend.log >&2; exit 1; }
  # catalog:fetch in the corpus reads these sample entities: wait until they are ingested.
  for _ in $(seq 1 120); do
    catalog_ready && break
    sleep 0.5
  done
  catalog_ready || log "WARNING: sample catalog not ingested after 60 s (catalog:fetch will fail)"
  log "ready: start took $((SECONDS - ts))s (total $((SECONDS - t0))s); RSS $(awk '/VmRSS/{print int($2/1024)"MB"}' /proc/$pid/status)"
  log "token: $TOKEN   try: curl -H 'Authorization: Bearer $TOKEN' http://127.0.0.1:$PORT/api/scaffolder/v2/actions"
  log "stop:  $SELF stop"
  echo "$pid"
}

case "${1:-start}" in
  start) start_all ;;
  stop) stop_all ;;
  install) install_deps ;;
  status)
    if [ -f "$BS_DIR/backend.pid" ]; then
      echo "backend.pid $(cat "$BS_DIR/backend.pid") $(kill -0 "$(cat "$BS_DIR/backend.pid")" 2>/dev/null && echo running || echo dead)"
    else
      echo "not started"
    fi
    scaffolder_ready && echo "scaffolder: ready on $PORT" || echo "scaffolder: not answering on $PORT" ;;
  *) echo "usage: $0 start|stop|status|install" >&2; exit 2 ;;
esac
exit 0
