#!/usr/bin/env bash
# record-scaffolder.sh - record a real Backstage's dry-run answers for the template corpus.
#
#   tests/interop/record-scaffolder.sh [NAME...]
#
# Starts the scaffolder peer (run-scaffolder-peer.sh) unless it already answers, then runs
# scaffolder-dry-run.py over
#   - every tests/fixtures/templates/<name>/ that has a template.yaml (values: <name>/values.yaml)
#     -> tests/fixtures/templates/<name>/expected/{files/,result.json}
#   - Backstage's own fixture templates, by reference (values: tests/fixtures/templates/_values/)
#     -> tests/fixtures/templates/_backstage/<name>/expected/
# With NAME arguments only those entries are recorded. A peer this script started is stopped
# again at the end (one that was already running is left running). Templates that fail on
# purpose (error-*) record {status, body}; the script fails only if a dry run that should
# succeed answers an error, or the other way round. Re-running gives identical files.
# Env: PORT (7127), TOKEN, BS_DIR - as for run-scaffolder-peer.sh.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CORPUS="$ROOT/tests/fixtures/templates"
PORT=${PORT:-7127}
TOKEN=${TOKEN:-backlot-peer-token-0123456789}
URL="http://127.0.0.1:$PORT"
export PORT TOKEN

# name | template folder | values file | output folder
entries() {
  local d name
  for d in "$CORPUS"/*/; do
    name=$(basename "$d")
    case "$name" in _*) continue ;; esac
    [ -f "$d/template.yaml" ] || continue
    echo "$name|$d|$d/values.yaml|$d/expected"
  done
  echo "backstage-create-app|$ROOT/tests/fixtures/backstage-create-app/template|$CORPUS/_values/backstage-create-app.yaml|$CORPUS/_backstage/backstage-create-app/expected"
  echo "backstage-demo|$ROOT/tests/fixtures/backstage-demo/demo-template/template|$CORPUS/_values/backstage-demo.yaml|$CORPUS/_backstage/backstage-demo/expected"
}

started=""
if [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $TOKEN" "$URL/api/scaffolder/v2/actions")" != 200 ]; then
  "$HERE/run-scaffolder-peer.sh" start >/dev/null
  started=yes
fi
cleanup() { [ -z "$started" ] || "$HERE/run-scaffolder-peer.sh" stop; }
trap cleanup EXIT

failed=0 count=0
while IFS='|' read -r name dir values out; do
  if [ $# -gt 0 ]; then
    want=""; for a in "$@"; do [ "$a" = "$name" ] && want=yes; done
    [ -n "$want" ] || continue
  fi
  count=$((count + 1))
  rm -rf "$out"
  mkdir -p "$out"
  if python3 "$HERE/scaffolder-dry-run.py" "$dir" "$values" "$out" --url "$URL" --token "$TOKEN" 2>/dev/null; then
    rc=0
  else
    rc=$?
  fi
  case "$name" in
    error-*) [ $rc = 1 ] || { echo "UNEXPECTED: $name succeeded (expected an error answer)" >&2; failed=1; } ;;
    backstage-*) ;;   # Backstage's own templates: whatever the peer answers is the record
    *) [ $rc = 0 ] || { echo "UNEXPECTED: $name failed: $(head -c 400 "$out/result.json")" >&2; failed=1; } ;;
  esac
  printf '%-32s %s\n' "$name" "$([ $rc = 0 ] && echo ok || echo "error $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$out/result.json")")"
done < <(entries)
echo "recorded $count template(s)"
exit $failed
