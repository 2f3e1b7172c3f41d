#!/usr/bin/env bash
# run-auth-peer.sh - Backlot's own real Backstage backend WITH sign-in, for interop tests
# of the OAuth 2.0 authorization-code + PKCE client (the flow `backstage-cli auth login`
# uses) and of the catalog write endpoints (locations / refresh).
#
# Derived from the shared peer (/work/shared/backstage-peer/run-backstage.sh): same
# catalog, proxy, scaffolder-entity-model and static external-access token, plus
#   - @backstage/plugin-auth-backend 0.31.0 (OIDC provider: /api/auth/v1/authorize,
#     /v1/sessions/{id}/approve|reject, /v1/token, /v1/revoke, /v1/userinfo, CIMD)
#   - @backstage/plugin-auth-backend-module-guest-provider 0.2.25 (sign-in without an IdP)
#   - a static file server (FILES_PORT) allowed in backend.reading.allow, so that
#     `url` locations (http://127.0.0.1:$FILES_PORT/...) can be registered offline
#   - optional permission framework with a test policy (PERMISSION=on)
#   - Backstage Search: @backstage/plugin-search-backend 2.1.9 (GET /api/search/query,
#     default in-memory Lunr engine from plugin-search-backend-node 1.4.10) + the catalog
#     collator @backstage/plugin-search-backend-module-catalog 0.3.21 (type
#     "software-catalog", re-indexed every SEARCH_FREQUENCY seconds, first run ~1 s after start)
# See AUTH-PEER-NOTES.md next to this script for the observed behaviour of every endpoint,
# and SEARCH-NOTES.md for the search API.
#
#   ./run-auth-peer.sh start      install (if needed), write files, start, wait for ingest, print PID
#   ./run-auth-peer.sh stop       stop backend + echo server + file server (by saved PID)
#   ./run-auth-peer.sh status     print PIDs and entity count
#   ./run-auth-peer.sh guest-token            print a fresh user token from the guest provider
#   ./run-auth-peer.sh reindex    run the search catalog collator now, wait for it, print doc count
#   ./run-auth-peer.sh sql PLUGIN "SQL"       (DB=file only) run SQL on a plugin's SQLite
#         file, e.g. to expire an OAuth session/code:  sql auth "UPDATE
#         oauth_authorization_sessions SET expires_at=1"   (prints rows as JSON for SELECT;
#         expires_at is epoch ms; use 1, not 0: 0 reads as "no expiry")
#
# Env: BS_DIR (default /tmp/backlot-auth-peer)   work dir (node_modules, config, catalog, logs)
#      PORT (7117)  ECHO_PORT (7118)  FILES_PORT (7119)  APP_URL (http://127.0.0.1:3000)
#      TOKEN (backlot-peer-token-0123456789)   static external-access token (service principal)
#      GUEST_USER (user:default/alice)   entity ref the guest provider signs in as. alice is a
#               catalog User, so the token carries her ownership and refresh tokens work.
#               GUEST_USER=none -> provider default user:development/guest, which is NOT in the
#               catalog: refresh_token grants then fail (catalog presence check) unless
#               REFRESH_PRESENCE_CHECK=off.
#      REFRESH_PRESENCE_CHECK (on|off, default on)
#      REFRESH_TOKEN_LIFETIME (e.g. "30s"; default: backend default 30 days)
#      PERMISSION (off|on, default off)  on: permission.enabled + a policy that DENIES
#               catalog.location.create and catalog.location.delete to user principals
#               (services, i.e. the static token, are allowed everything)
#      DB (file|memory, default file: `sql` needs the files; data/ is wiped on every start)
#      N (default 0) generated components; PER_FILE (100); EXTRA_LOCATION; STITCHING
#      INGEST_TIMEOUT (seconds, default 900)
#      SEARCH_FREQUENCY (seconds, default 30)  catalog collator period (initialDelay 1 s)
#      SEARCH_WAIT (on|off, default on)  start also waits until the search index holds
#               every ingested entity (GET /api/search/query?types[0]=software-catalog)
# Pinned versions: package-lock.json is auth-peer-lock.json next to this script (npm ci).
# Needs: Node 20/22/24 + npm, and python3/make/g++ (better-sqlite3 is compiled from
# source: its prebuilt-binary download needs GitHub, which is unreachable here).
set -euo pipefail

BS_DIR=${BS_DIR:-/tmp/backlot-auth-peer}
N=${N:-0}
PER_FILE=${PER_FILE:-100}
PORT=${PORT:-7117}
ECHO_PORT=${ECHO_PORT:-7118}
FILES_PORT=${FILES_PORT:-7119}
APP_URL=${APP_URL:-http://127.0.0.1:3000}
TOKEN=${TOKEN:-backlot-peer-token-0123456789}
GUEST_USER=${GUEST_USER:-user:default/alice}
REFRESH_PRESENCE_CHECK=${REFRESH_PRESENCE_CHECK:-on}
REFRESH_TOKEN_LIFETIME=${REFRESH_TOKEN_LIFETIME:-}
PERMISSION=${PERMISSION:-off}
DB=${DB:-file}
STITCHING=${STITCHING:-deferred}
INGEST_TIMEOUT=${INGEST_TIMEOUT:-900}
SEARCH_FREQUENCY=${SEARCH_FREQUENCY:-30}
SEARCH_WAIT=${SEARCH_WAIT:-on}
SELF="$(readlink -f "$0")"
HERE="$(dirname "$SELF")"
LOCKFILE="$HERE/auth-peer-lock.json"

log() { printf '[backlot-auth-peer %s] %s\n' "$(date +%T)" "$*" >&2; }

count_entities() {
  curl -s -m 10 -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/catalog/entities/by-query?limit=0" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).totalItems)}catch{console.log("")}})'
}

# numberOfResults of an empty-term query restricted to the catalog index ("" before the
# first successful collator run: that answers 500 MissingIndexError).
count_search() {
  curl -s -m 10 -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/search/query?types%5B0%5D=software-catalog&pageLimit=1" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const n=JSON.parse(s).numberOfResults;console.log(n===undefined?"":n)}catch{console.log("")}})'
}

stop_all() {
  for f in backend.pid echo.pid files.pid; do
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

write_files() {
  mkdir -p "$BS_DIR/catalog" "$BS_DIR/data" "$BS_DIR/remote"
  cd "$BS_DIR"
  cat > package.json <<'EOF'
{
  "name": "backlot-auth-peer-backend",
  "version": "0.0.0",
  "private": true,
  "main": "index.js",
  "engines": { "node": "20 || 22 || 24" },
  "scripts": { "start": "node index.js" },
  "dependencies": {
    "@backstage/backend-defaults": "0.19.0",
    "@backstage/backend-plugin-api": "1.12.0",
    "@backstage/plugin-auth-backend": "0.31.0",
    "@backstage/plugin-auth-backend-module-guest-provider": "0.2.25",
    "@backstage/plugin-auth-node": "0.7.8",
    "@backstage/plugin-catalog-backend": "4.0.5",
    "@backstage/plugin-catalog-backend-module-scaffolder-entity-model": "0.2.26",
    "@backstage/plugin-catalog-node": "3.0.0",
    "@backstage/plugin-permission-backend": "0.7.18",
    "@backstage/plugin-permission-common": "0.9.13",
    "@backstage/plugin-permission-node": "0.11.6",
    "@backstage/plugin-proxy-backend": "0.6.20",
    "@backstage/plugin-search-backend": "2.1.9",
    "@backstage/plugin-search-backend-module-catalog": "0.3.21",
    "@backstage/plugin-search-backend-node": "1.4.10",
    "better-sqlite3": "12.11.1"
  },
  "allowScripts": { "better-sqlite3": true }
}
EOF
  cat > index.js <<'EOF'
// Minimal Backstage backend (new backend system) with sign-in, plain CommonJS, no TS build.
const { createBackend } = require('@backstage/backend-defaults');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { catalogLocationsExtensionPoint } = require('@backstage/plugin-catalog-node');

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(require('@backstage/plugin-proxy-backend'));
// Sign-in: the auth backend (token issuer, JWKS, OIDC/OAuth provider) + the guest provider.
backend.add(require('@backstage/plugin-auth-backend'));
backend.add(require('@backstage/plugin-auth-backend-module-guest-provider'));
// Search: GET /api/search/query. No engine module -> the plugin's default in-memory Lunr
// engine (plugin-search-backend-node). The catalog collator indexes every entity as type
// "software-catalog" on the search.collators.catalog.schedule from app-config.yaml.
backend.add(require('@backstage/plugin-search-backend'));
backend.add(require('@backstage/plugin-search-backend-module-catalog'));
// POST /api/catalog/locations accepts only type "url" by default; also allow "file".
backend.add(createBackendModule({
  pluginId: 'catalog',
  moduleId: 'allow-file-locations',
  register(env) {
    env.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) { locations.setAllowedLocationTypes(['url', 'file']); },
    });
  },
}));
if (process.env.PEER_PERMISSION === 'on') {
  // permission.enabled is set in app-config.yaml; this policy denies location writes to
  // users (user tokens) and allows everything else (incl. the static token = service).
  const { policyExtensionPoint } = require('@backstage/plugin-permission-node/alpha');
  const { AuthorizeResult } = require('@backstage/plugin-permission-common');
  const DENY_FOR_USERS = ['catalog.location.create', 'catalog.location.delete'];
  backend.add(require('@backstage/plugin-permission-backend'));
  backend.add(createBackendModule({
    pluginId: 'permission',
    moduleId: 'backlot-test-policy',
    register(env) {
      env.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy({
            async handle(request, user) {
              if (user && DENY_FOR_USERS.includes(request.permission.name)) {
                return { result: AuthorizeResult.DENY };
              }
              return { result: AuthorizeResult.ALLOW };
            },
          });
        },
      });
    },
  }));
}
backend.start();
EOF
  if [ "$DB" = file ]; then
    DB_CONN=$'\n      directory: ./data'
  else
    DB_CONN=" ':memory:'"
  fi
  local guest_cfg=" {}" refresh_extra=""
  [ "$GUEST_USER" != none ] && guest_cfg=$'\n      userEntityRef: '"$GUEST_USER"
  [ "$REFRESH_PRESENCE_CHECK" = off ] && refresh_extra+=$'\n    dangerouslyDisableCatalogPresenceCheck: true'
  [ -n "$REFRESH_TOKEN_LIFETIME" ] && refresh_extra+=$'\n    tokenLifetime: '"$REFRESH_TOKEN_LIFETIME"
  cat > app-config.yaml <<EOF
app:
  # No frontend runs here: /api/auth/v1/authorize redirects to \$APP_URL/oauth2/authorize/{id},
  # and the test plays that consent page (POST .../v1/sessions/{id}/approve|reject).
  baseUrl: $APP_URL
backend:
  baseUrl: http://127.0.0.1:$PORT
  listen:
    host: 127.0.0.1
    port: $PORT
  database:
    client: better-sqlite3
    connection:$DB_CONN
  # Lets "url" locations point at the local file server (FetchUrlReader).
  reading:
    allow:
      - host: 127.0.0.1:$FILES_PORT
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: desktop-client
auth:
  # NODE_ENV=development is set by the start script: the guest provider and
  # http://127.0.0.1 client_id URLs (CIMD) are only accepted in development.
  environment: development
  providers:
    guest:$guest_cfg
  # OAuth clients identified by a Client ID Metadata Document URL, incl. the built-in
  # {backend}/api/auth/.well-known/oauth-client/cli.json (non-deprecated key name;
  # auth.experimentalClientIdMetadataDocuments is read only when this one is absent).
  clientIdMetadataDocuments:
    enabled: true
  # offline_access scope -> refresh_token (key name is still experimental in 0.31.0).
  experimentalRefreshToken:
    enabled: true$refresh_extra
permission:
  enabled: $([ "$PERMISSION" = on ] && echo true || echo false)
search:
  collators:
    catalog:
      # default: every 10 min, first run 3 s after start. The Lunr index lives in memory
      # and is rebuilt from scratch by each run (it replaces the previous index).
      schedule:
        frequency: {seconds: $SEARCH_FREQUENCY}
        timeout: {minutes: 3}
        initialDelay: {seconds: 1}
        # local: in-process timer instead of the DB-polled global worker (which picks up a
        # trigger only on its next poll, up to 5 s later), so "reindex" runs the collator at once.
        scope: local
proxy:
  endpoints:
    '/echo':
      target: http://127.0.0.1:$ECHO_PORT
      allowedHeaders: [X-Custom-Header]
catalog:
  stitchingStrategy:
    mode: $STITCHING
  rules:
    - allow: [Component, System, API, Resource, Location, Domain, Group, User, Template]
  locations:
    - type: file
      target: ./catalog/all.yaml${EXTRA_LOCATION:+
    - type: file
      target: $EXTRA_LOCATION}
EOF
  cat > echo-server.js <<'EOF'
const http = require('http');
const port = parseInt(process.env.ECHO_PORT || '7078', 10);
http.createServer((req, res) => {
  let body = '';
  req.on('data', c => (body += c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-echo', 'yes');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }, null, 1));
  });
}).listen(port, '127.0.0.1', () => console.log(`echo on 127.0.0.1:${port}`));
EOF
  cat > files-server.js <<'EOF'
// Static file server for "url" catalog locations: GET/HEAD serve ./remote/<path> with a
// content ETag (304 on If-None-Match); PUT writes a file, DELETE removes it (test setup).
const http = require('http'), fs = require('fs'), path = require('path'), crypto = require('crypto');
const port = parseInt(process.env.FILES_PORT || '7119', 10);
const root = path.join(__dirname, 'remote');
http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = path.join(root, path.normalize(rel));
  if (!file.startsWith(root + path.sep)) { res.statusCode = 400; return res.end('bad path\n'); }
  console.log(req.method, rel);
  if (req.method === 'PUT') {
    const chunks = [];
    req.on('data', c => chunks.push(c)).on('end', () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, Buffer.concat(chunks));
      res.statusCode = 201; res.end();
    });
    return;
  }
  if (req.method === 'DELETE') { fs.rmSync(file, { force: true }); res.statusCode = 204; return res.end(); }
  let body;
  try { body = fs.readFileSync(file); } catch { res.statusCode = 404; return res.end('not found\n'); }
  const etag = '"' + crypto.createHash('sha1').update(body).digest('hex') + '"';
  res.setHeader('etag', etag);
  if (req.headers['if-none-match'] === etag) { res.statusCode = 304; return res.end(); }
  res.setHeader('content-type', 'text/yaml');
  res.end(req.method === 'HEAD' ? undefined : body);
}).listen(port, '127.0.0.1', () => console.log(`files on 127.0.0.1:${port} from ${root}`));
EOF
  # Catalog files the tests can register as "url" locations (not ingested at start).
  cat > remote/new-service.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: new-service
  description: Registered by a write-back test
spec:
  type: service
  lifecycle: experimental
  owner: team-platform
  system: developer-platform
EOF
  cat > remote/two-components.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: remote-a
spec:
  type: library
  lifecycle: production
  owner: team-payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: remote-b
spec:
  type: library
  lifecycle: production
  owner: team-payments
EOF
  cat > remote/invalid.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Not A Valid Name!
spec:
  type: service
EOF
  cat > catalog/all.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: peer-root
  description: Root location for the peer sample catalog
spec:
  targets:
    - ./org.yaml
    - ./domains-systems.yaml
    - ./components.yaml
    - ./apis.yaml
    - ./resources.yaml
    - ./templates.yaml
    - ./generated/index.yaml
EOF
  cat > catalog/org.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: acme
  description: ACME Corp
spec:
  type: organization
  profile:
    displayName: ACME Corp
  children: [team-platform, team-payments]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-platform
  description: Platform team
spec:
  type: team
  parent: acme
  children: []
  members: [alice, bob]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-payments
spec:
  type: team
  parent: acme
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: alice
spec:
  profile: {displayName: Alice Anders, email: alice@example.com}
  memberOf: [team-platform]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: bob
spec:
  profile: {displayName: Bob Brown, email: bob@example.com}
  memberOf: [team-platform]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: carol
spec:
  profile: {displayName: Carol Chen, email: carol@example.com}
  memberOf: [team-payments]
EOF
  cat > catalog/domains-systems.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: commerce
  description: Everything about selling things
spec:
  owner: group:acme
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: checkout
  description: Checkout and payment flow
  tags: [payments]
spec:
  owner: group:team-payments
  domain: commerce
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: developer-platform
spec:
  owner: team-platform
  domain: commerce
EOF
  cat > catalog/components.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-web
  title: Checkout Web
  description: Web frontend for checkout
  tags: [web, typescript]
  labels:
    tier: frontend
  annotations:
    github.com/project-slug: acme/checkout-web
    backstage.io/techdocs-ref: dir:.
  links:
    - url: https://example.com/checkout
      title: Production
spec:
  type: website
  lifecycle: production
  owner: team-payments
  system: checkout
  consumesApis: [payments-api]
  dependsOn: [resource:checkout-db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-service
  description: Payment processing service
  tags: [java]
spec:
  type: service
  lifecycle: production
  owner: group:default/team-payments
  system: checkout
  providesApis: [payments-api]
  dependsOn: [resource:checkout-db]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: platform-cli
  description: Internal developer CLI
  tags: [go, cli]
spec:
  type: tool
  lifecycle: experimental
  owner: user:alice
  system: developer-platform
  subcomponentOf: payments-service
EOF
  cat > catalog/apis.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
  description: Payments REST API
spec:
  type: openapi
  lifecycle: production
  owner: team-payments
  system: checkout
  definition: |
    openapi: "3.0.0"
    info: {title: Payments API, version: 1.0.0}
    paths:
      /payments:
        get:
          summary: List payments
          responses: {"200": {description: OK}}
EOF
  cat > catalog/resources.yaml <<'EOF'
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: checkout-db
  description: Postgres database for checkout
spec:
  type: database
  owner: team-payments
  system: checkout
EOF
  cat > catalog/templates.yaml <<'EOF'
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: node-service
  title: Node.js service
  description: Create a new Node.js service
spec:
  owner: team-platform
  type: service
  parameters:
    - title: Basics
      required: [name]
      properties:
        name: {type: string}
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: Hello ${{ parameters.name }}
EOF
  cat > gen-catalog.js <<'EOF'
// Usage: node gen-catalog.js N [perFile] -> catalog/generated/{index.yaml,gen-XXXX.yaml}
const fs = require('fs'), path = require('path');
const N = parseInt(process.argv[2] || '10000', 10);
const per = parseInt(process.argv[3] || '100', 10);
const dir = path.join(__dirname, 'catalog', 'generated');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const owners = ['team-platform', 'team-payments'], systems = ['checkout', 'developer-platform'];
const types = ['service', 'website', 'library'], lifecycles = ['production', 'experimental', 'deprecated'];
const targets = [];
for (let f = 0; f * per < N; f++) {
  const docs = [];
  for (let i = f * per; i < Math.min(N, (f + 1) * per); i++) {
    const id = String(i).padStart(5, '0');
    docs.push(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: gen-svc-${id}
  description: Generated component number ${i}
  tags: [gen, t${i % 10}]
  annotations:
    peer/index: "${i}"
spec:
  type: ${types[i % 3]}
  lifecycle: ${lifecycles[i % 3]}
  owner: ${owners[i % 2]}
  system: ${systems[i % 2]}
`);
  }
  const name = `gen-${String(f).padStart(4, '0')}.yaml`;
  fs.writeFileSync(path.join(dir, name), docs.join('---\n'));
  targets.push(`./${name}`);
}
fs.writeFileSync(path.join(dir, 'index.yaml'), `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: generated
spec:
  targets:${targets.length ? '\n' + targets.map(t => `    - ${t}`).join('\n') : ' []'}
`);
console.log(`wrote ${N} components in ${targets.length} files to ${dir}`);
EOF
  # Pinned lockfile (npm ci) lives next to this script.
  cp "$LOCKFILE" package-lock.json
}

install_deps() {
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
  log "npm ci (better-sqlite3 compiles from source: ~3 min on 2 cores)"
  npm ci --no-audit --no-fund "${extra[@]}" >&2
  node -e "new (require('better-sqlite3'))(':memory:')" || { log "better-sqlite3 failed to load"; exit 1; }
  cp package-lock.json node_modules/.peer-installed
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_all() {
  local t0=$SECONDS
  stop_all
  for p in "$PORT" "$ECHO_PORT" "$FILES_PORT"; do
    port_busy "$p" && { log "port $p already in use (another backend/echo/file server?); stop it first"; exit 1; }
  done
  write_files
  install_deps
  cd "$BS_DIR"
  node gen-catalog.js "$N" "$PER_FILE" >&2
  rm -rf data/*
  ECHO_PORT=$ECHO_PORT nohup node echo-server.js > echo.log 2>&1 &
  echo $! > echo.pid
  FILES_PORT=$FILES_PORT nohup node files-server.js > files.log 2>&1 &
  echo $! > files.pid
  PEER_PERMISSION=$PERMISSION NODE_ENV=${NODE_ENV:-development} nohup node index.js > backend.log 2>&1 &
  local pid=$!; echo $pid > backend.pid
  log "backend pid $pid, waiting for http://127.0.0.1:$PORT"
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/.backstage/health/v1/readiness" && break
    kill -0 $pid 2>/dev/null || { log "backend died:"; tail -30 backend.log >&2; exit 1; }
    sleep 0.5
  done
  log "ready after $((SECONDS - t0))s"
  local expected=$((N + 18)) n="" last="" same=0 ti=$SECONDS
  log "waiting for $expected entities"
  while :; do
    kill -0 $pid 2>/dev/null || { log "backend died:"; tail -30 backend.log >&2; exit 1; }
    n=$(count_entities || true)
    if [ "$n" = "$expected" ]; then break; fi
    if [ -n "$n" ] && [ "$n" = "$last" ] && [ "$n" != 0 ]; then same=$((same+1)); else same=0; fi
    last=$n
    if [ $((SECONDS - ti)) -ge "$INGEST_TIMEOUT" ]; then log "timeout; count=$n"; break; fi
    if [ $same -ge 30 ]; then log "count stable at $n (expected $expected)"; break; fi
    sleep 1
  done
  log "ingested $n entities in $((SECONDS - ti))s (total $((SECONDS - t0))s); RSS $(awk '/VmRSS/{print int($2/1024)"MB"}' /proc/$pid/status)"
  if [ "$SEARCH_WAIT" = on ]; then
    # The collator reads the catalog on its own schedule (initialDelay 1 s, then every
    # SEARCH_FREQUENCY s); its first run usually starts before ingest has finished and
    # indexes only part of the catalog, so trigger a run now instead of waiting a period.
    local s="" ts=$SECONDS
    log "re-indexing search; waiting for the index to hold $n entities"
    reindex >/dev/null || true
    while :; do
      kill -0 $pid 2>/dev/null || { log "backend died:"; tail -30 backend.log >&2; exit 1; }
      s=$(count_search || true)
      [ -n "$s" ] && [ "$s" -ge "${n:-0}" ] && break
      if [ $((SECONDS - ts)) -ge $((SEARCH_FREQUENCY * 3 + 30)) ]; then log "search index timeout; indexed=$s"; break; fi
      sleep 0.5
    done
    log "search index: $s documents after $((SECONDS - ts))s (total $((SECONDS - t0))s)"
  fi
  log "service token: $TOKEN   user token: $SELF guest-token"
  log "client_id: http://127.0.0.1:$PORT/api/auth/.well-known/oauth-client/cli.json  files: http://127.0.0.1:$FILES_PORT/new-service.yaml"
  log "stop:  $SELF stop"
  echo "$pid"
}

# Run the catalog collator now (POST /api/search/.backstage/scheduler/v1/tasks/<id>/trigger)
# and wait until that run has finished; prints the number of indexed catalog documents.
reindex() {
  local url="http://127.0.0.1:$PORT/api/search/.backstage/scheduler/v1/tasks" task=search_index_software_catalog
  local before code
  ended() { curl -s -m 10 -H "Authorization: Bearer $TOKEN" "$url" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const t=JSON.parse(s).tasks.find(t=>t.taskId===process.argv[1]);console.log(t?.taskState?.lastRunEndedAt??"")}catch{console.log("")}})' "$task"; }
  for _ in $(seq 1 120); do   # 409 while a run is in progress: retry until it is idle
    before=$(ended)
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -X POST -H "Authorization: Bearer $TOKEN" "$url/$task/trigger")
    [ "$code" = 200 ] && break
    [ "$code" = 409 ] || { log "trigger $task: HTTP $code"; return 1; }
    sleep 0.5
  done
  for _ in $(seq 1 360); do
    local now; now=$(ended)
    [ -n "$now" ] && [ "$now" != "$before" ] && break
    sleep 0.5
  done
  count_search
}

guest_token() {
  curl -s -m 10 -X POST "http://127.0.0.1:$PORT/api/auth/guest/refresh" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);if(!j.backstageIdentity){console.error(s);process.exit(1)}console.log(j.backstageIdentity.token)})'
}

run_sql() {
  local plugin=${1:?plugin id, e.g. auth}; local sql=${2:?SQL}
  local file; file=$(ls "$BS_DIR"/data/*"$plugin"*.sqlite 2>/dev/null | head -1)
  [ -n "$file" ] || { log "no SQLite file for plugin '$plugin' in $BS_DIR/data (DB=file only)"; exit 1; }
  cd "$BS_DIR" && SQL_FILE="$file" SQL="$sql" node -e '
    const db = new (require("better-sqlite3"))(process.env.SQL_FILE, { timeout: 5000 });
    const st = db.prepare(process.env.SQL);
    console.log(JSON.stringify(st.reader ? st.all() : st.run()));'
}

case "${1:-start}" in
  start) start_all ;;
  stop) stop_all ;;
  status)
    for f in backend.pid echo.pid files.pid; do
      [ -f "$BS_DIR/$f" ] && echo "$f $(cat "$BS_DIR/$f") $(kill -0 "$(cat "$BS_DIR/$f")" 2>/dev/null && echo running || echo dead)"
    done
    echo "entities: $(count_entities || true)"
    echo "search documents (software-catalog): $(count_search || true)" ;;
  guest-token) guest_token ;;
  reindex) reindex ;;
  sql) shift; run_sql "$@" ;;
  *) echo "usage: $0 start|stop|status|guest-token|reindex|sql PLUGIN SQL" >&2; exit 2 ;;
esac
exit 0
