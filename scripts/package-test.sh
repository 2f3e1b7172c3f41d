#!/usr/bin/env bash
# The installable app, end to end, with the real package tools (Debian/Ubuntu, root or sudo):
#   1. dpkg -i the .deb from `make bundle`: /usr/bin/backlot, desktop entry, icons, --version
#   2. the .rpm: its file list and requirements, and `rpm -i --nodeps` into a scratch root
#   3. under Xvfb, /usr/bin/backlot on an empty $XDG_DATA_HOME: welcome page → demo catalog →
#      catalog → entity page over WebDriver; screenshots in target/package/
#   4. dpkg -r, then dpkg --purge: binary, desktop entry and icons gone; the user's data stays
#   5. upgrade: install version N again, add data, build N+1 (a copy of the sources with the
#      version bumped and one more schema migration), dpkg -i it over N; the data is intact,
#      the schema migrated, the window opens on the same catalog with the new version
# Usage: scripts/package-test.sh [--no-build]   (--no-build: use the bundles already built)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
OUT=$ROOT/target/package
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
build=1
[ "${1:-}" = "--no-build" ] && build=0

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'package-test: FAIL: %s\n' "$*" >&2; exit 1; }
elapsed() { echo $(( $(date +%s) - $1 )); }
version_of() { sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$1/Cargo.toml"; }
# Entities and schema version of a store, read with Python's sqlite3 (not with Backlot).
store_facts() {
  python3 - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("SELECT count(*) FROM entities").fetchone()[0], db.execute("PRAGMA user_version").fetchone()[0])
EOF
}
e2e() { # run one package end-to-end test against the installed binary
  local test=$1; shift
  env "$@" BACKLOT_BIN=/usr/bin/backlot XDG_DATA_HOME="$XDG" \
    xvfb-run -a -s "-screen 0 1440x900x24" cargo test -q -p backlot-e2e --test package -- --exact "$test"
}

for tool in dpkg dpkg-deb xvfb-run python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing (run scripts/setup.sh)"
done
if ! command -v rpm >/dev/null; then
  echo "package-test: installing rpm (Debian package) to inspect and unpack the .rpm"
  $SUDO apt-get install -y -qq --no-install-recommends rpm >/dev/null
fi
if dpkg-query -W -f='${Status}' backlot 2>/dev/null | grep -q "ok installed"; then
  fail "a backlot package is already installed; remove it first (dpkg -r backlot)"
fi

T=$(mktemp -d /tmp/backlot-package.XXXXXX)
NEXT=""
cleanup() {
  if dpkg-query -W -f='${Status}' backlot 2>/dev/null | grep -q "ok installed"; then $SUDO dpkg -r backlot >/dev/null || true; fi
  rm -rf "$T" ${NEXT:+"$NEXT"}
}
trap cleanup EXIT
rm -rf "$OUT" && mkdir -p "$OUT"
XDG=$T/xdg-data
mkdir -p "$XDG"
total_start=$(date +%s)

# ---- version N
VERSION=$(version_of "$ROOT")
if [ "$build" = 1 ]; then
  step "build version $VERSION: make bundle"
  s=$(date +%s); make -s bundle; echo "bundle built in $(elapsed "$s") s"
fi
DEB=$ROOT/target/release/bundle/deb/Backlot_${VERSION}_amd64.deb
RPM=$ROOT/target/release/bundle/rpm/Backlot-${VERSION}-1.x86_64.rpm
[ -f "$DEB" ] && [ -f "$RPM" ] || fail "no bundles for $VERSION in target/release/bundle (run make bundle)"
cp "$DEB" "$RPM" "$OUT/"
DEB=$OUT/$(basename "$DEB"); RPM=$OUT/$(basename "$RPM")
printf '%-40s %8s bytes (%s)\n' "$(basename "$DEB")" "$(stat -c %s "$DEB")" "$(du -h "$DEB" | cut -f1)" | tee "$OUT/sizes.txt"
printf '%-40s %8s bytes (%s)\n' "$(basename "$RPM")" "$(stat -c %s "$RPM")" "$(du -h "$RPM" | cut -f1)" | tee -a "$OUT/sizes.txt"

step "1. dpkg -i $(basename "$DEB")"
s=$(date +%s%N); $SUDO dpkg -i "$DEB" >/dev/null; echo "installed in $(( ($(date +%s%N) - s) / 1000000 )) ms"
[ -x /usr/bin/backlot ] || fail "/usr/bin/backlot is not installed"
DESKTOP=/usr/share/applications/Backlot.desktop
[ -f "$DESKTOP" ] || fail "no desktop entry at $DESKTOP"
grep -qx 'Categories=Development;' "$DESKTOP" || fail "desktop entry is not in Development: $(cat "$DESKTOP")"
grep -qx 'Exec=backlot' "$DESKTOP" && grep -qx 'Icon=backlot' "$DESKTOP" && grep -qx 'Name=Backlot' "$DESKTOP" \
  || fail "unexpected desktop entry: $(cat "$DESKTOP")"
for size in 32x32 64x64 128x128 256x256 512x512; do
  [ -f "/usr/share/icons/hicolor/$size/apps/backlot.png" ] || fail "no $size icon"
done
[ "$(/usr/bin/backlot --version)" = "backlot $VERSION" ] || fail "backlot --version says $(/usr/bin/backlot --version)"
dpkg-query -W -f='${Version} ${Depends}\n' backlot

step "2. the .rpm: file list, requirements, rpm -i --nodeps into a scratch root"
rpm -qpl "$RPM" | tee "$OUT/rpm-files.txt"
for f in /usr/bin/backlot "$DESKTOP" /usr/share/icons/hicolor/128x128/apps/backlot.png; do
  grep -qx "$f" "$OUT/rpm-files.txt" || fail "the .rpm lacks $f"
done
rpm -qp --requires "$RPM" | grep -q webkit2gtk || fail "the .rpm does not require webkit2gtk"
rpm --root "$T/rpmroot" --initdb
force=""  # Debian's rpm refuses to install into its own database without this flag
rpm --help 2>/dev/null | grep -q -- --force-debian && force="--force-debian"
rpm -i --nodeps $force --root "$T/rpmroot" "$RPM"
[ "$("$T/rpmroot/usr/bin/backlot" --version)" = "backlot $VERSION" ] || fail "the binary from the .rpm does not run"
rpm --root "$T/rpmroot" -q backlot

step "3. first run of /usr/bin/backlot under Xvfb (data in \$XDG_DATA_HOME/backlot)"
s=$(date +%s); e2e installed_app_first_run; echo "smoke passed in $(elapsed "$s") s"
cp "$ROOT"/target/e2e/package-*.png "$OUT/"
STORE=$XDG/backlot/backlot.db
[ -f "$STORE" ] || fail "no store at $STORE after the first run"
read -r entities schema < <(store_facts "$STORE")
[ "$entities" -ge 20 ] || fail "the store holds $entities entities"
echo "the store at $STORE holds $entities entities, schema v$schema"

step "4. dpkg -r, dpkg --purge: the app goes, the user's data stays"
$SUDO dpkg -r backlot >/dev/null
for f in /usr/bin/backlot "$DESKTOP" /usr/share/icons/hicolor/128x128/apps/backlot.png; do
  [ ! -e "$f" ] || fail "$f is still there after dpkg -r"
done
read -r after _ < <(store_facts "$STORE")
[ "$after" = "$entities" ] || fail "the store changed on uninstall ($entities → $after)"
$SUDO dpkg --purge backlot >/dev/null 2>&1  # nothing left to purge after -r: no conffiles
[ -f "$STORE" ] && [ -d "$XDG/backlot/demo-catalog" ] || fail "purge removed the user's data"
echo "removed and purged; $STORE still holds $after entities"

step "5. upgrade: $VERSION with data → $VERSION+1"
$SUDO dpkg -i "$DEB" >/dev/null
mkdir -p "$T/repo"
printf 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: made-before-the-upgrade\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/upgraders\n' \
  > "$T/repo/catalog-info.yaml"
XDG_DATA_HOME=$XDG /usr/bin/backlot catalog ingest "$T/repo" >/dev/null
XDG_DATA_HOME=$XDG /usr/bin/backlot catalog export > "$OUT/export-before-upgrade.json"
read -r entities schema < <(store_facts "$STORE")

NEXT_VERSION=$(python3 -c 'import sys; a = sys.argv[1].split("."); a[-1] = str(int(a[-1]) + 1); print(".".join(a))' "$VERSION")
NEXT=$(mktemp -d /tmp/backlot-next.XXXXXX)
# The sources as they are (tracked and new files), the built UI, the node tools.
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$NEXT"
cp -r src-ui/dist-release "$NEXT/src-ui/dist-release"
ln -s "$ROOT/node_modules" "$NEXT/node_modules"
python3 - "$NEXT" "$VERSION" "$NEXT_VERSION" <<'EOF'
import pathlib, re, sys
root, old, new = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
cargo = root / "Cargo.toml"
text = cargo.read_text()
text = re.sub(r'(\[workspace\.package\]\n(?:[^\[].*\n)*?version = )"' + re.escape(old) + '"', r'\1"' + new + '"', text, count=1)
cargo.write_text(text)
# One more schema migration, so the upgrade really migrates the user's store.
mig = root / "plugins/catalog-backend/src/migrations.rs"
src = mig.read_text()
last = max(int(v) for v in re.findall(r"\(\s*(\d+),\s*include_str!", src))
name = f"{last + 1:04}_package_upgrade.sql"
(root / "migrations" / name).write_text(
    "-- Added by scripts/package-test.sh to the N+1 build only.\n"
    "CREATE TABLE package_upgrade (note TEXT NOT NULL);\n"
    "INSERT INTO package_upgrade VALUES ('migrated from the previous version');\n")
anchor = f'include_str!("../../../migrations/{last:04}'
i = src.index(anchor)
j = src.index("\n", src.index(")", src.index('")', i) + 2))
src = src[:j + 1] + f'    ({last + 1}, include_str!("../../../migrations/{name}")),\n' + src[j + 1:]
mig.write_text(src)
EOF
[ "$(version_of "$NEXT")" = "$NEXT_VERSION" ] || fail "could not bump the version in the copy"
s=$(date +%s)
# Cargo profile `package-next` (root Cargo.toml: release without LTO, 16 codegen units; this
# tests the upgrade, not the optimiser) into its own folder target/package-next/: never
# replaces target/release/backlot, which others may be running. The Tauri CLI hands
# `--profile` to cargo (instead of --release) and bundles from target/package-next/.
( cd "$NEXT" && CARGO_TARGET_DIR=$ROOT/target TAURI_APP_PATH=src-tauri tauri build --ci --bundles deb \
    --config tauri.release.conf.json --config '{"build":{"beforeBuildCommand":""}}' \
    -- --profile package-next ) > "$OUT/build-next.log" 2>&1 \
  || { tail -30 "$OUT/build-next.log"; fail "building $NEXT_VERSION failed"; }
echo "built $NEXT_VERSION in $(elapsed "$s") s"
NEXT_DEB=$ROOT/target/package-next/bundle/deb/Backlot_${NEXT_VERSION}_amd64.deb
cp "$NEXT_DEB" "$OUT/" && NEXT_DEB=$OUT/$(basename "$NEXT_DEB")

$SUDO dpkg -i "$NEXT_DEB" >/dev/null
[ "$(dpkg-query -W -f='${Version}' backlot)" = "$NEXT_VERSION" ] || fail "dpkg did not upgrade to $NEXT_VERSION"
[ "$(/usr/bin/backlot --version)" = "backlot $NEXT_VERSION" ] || fail "backlot --version says $(/usr/bin/backlot --version)"
XDG_DATA_HOME=$XDG /usr/bin/backlot catalog export > "$OUT/export-after-upgrade.json"
cmp -s "$OUT/export-before-upgrade.json" "$OUT/export-after-upgrade.json" || fail "the catalog changed across the upgrade"
read -r after migrated < <(store_facts "$STORE")
[ "$after" = "$entities" ] && [ "$migrated" = $((schema + 1)) ] \
  || fail "after the upgrade: $after entities (want $entities), schema v$migrated (want v$((schema + 1)))"
python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT note FROM package_upgrade").fetchone()[0])' "$STORE"
e2e upgraded_app_keeps_the_catalog EXPECT_TOTAL="$entities" EXPECT_VERSION="$NEXT_VERSION" EXPECT_SCHEMA="$migrated"
cp "$ROOT"/target/e2e/package-upgraded.png "$OUT/"
$SUDO dpkg -r backlot >/dev/null
[ ! -e /usr/bin/backlot ] && [ -f "$STORE" ] || fail "uninstalling $NEXT_VERSION went wrong"

step "package test passed in $(elapsed "$total_start") s"
ls -l "$OUT"
