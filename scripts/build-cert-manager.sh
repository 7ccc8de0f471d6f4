#!/usr/bin/env bash
# Builds the cert-manager controller of the real-control-plane tier (`npm run test:cluster`) and copies
# the cert-manager CRDs next to it. scripts/cluster-setup.sh calls it; it also runs on its own.
#
# The module proxy serves github.com/cert-manager/cert-manager (the root module: pkg/..., the CRDs in
# deploy/crds) but not the nested module of cmd/controller, so the upstream binary cannot be built. Our
# own main in test/cluster/cert-manager-controller wires the public controller packages together (the
# Issuer, CertificateRequest and Certificate loops for CA and SelfSigned issuers; no ACME). This script
# copies that module into the cache, completes its go.sum with `go mod tidy` there (the clone stays
# clean) and builds it.
#
#   $TOOLS_HOME/cert-manager-<version>/bin/cert-manager-controller   the binary (linked into $TOOLS_HOME/bin)
#   $TOOLS_HOME/cert-manager-<version>/crds/*.yaml                   deploy/crds of the module (linked as
#                                                                    $TOOLS_HOME/cert-manager-crds)
#   $TOOLS_HOME/stamps/cert-manager-<version>                        the hash of the inputs it was built from
#
# Idempotent: it rebuilds only when the binary or the CRDs are missing or the inputs changed (main.go,
# go.mod, the version, the Go toolchain, the build flags). Prints the build time.
# Environment: CROSSCLUSTER_TOOLS_HOME (default ~/.cache/crosscluster-tools), CERT_MANAGER_VERSION
# (default v1.21.2, the version main.go is written against), GOCACHE as usual.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SELF")/.."

CERT_MANAGER_VERSION="${CERT_MANAGER_VERSION:-v1.21.2}"
TOOLS_HOME="${CROSSCLUSTER_TOOLS_HOME:-$HOME/.cache/crosscluster-tools}"
CM_MODULE=github.com/cert-manager/cert-manager
SRC="$PWD/test/cluster/cert-manager-controller"
DIR="$TOOLS_HOME/cert-manager-$CERT_MANAGER_VERSION"
STAMP="$TOOLS_HOME/stamps/cert-manager-$CERT_MANAGER_VERSION"
BIN="$DIR/bin/cert-manager-controller"

export GOFLAGS="-buildvcs=false -trimpath"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
command -v go >/dev/null 2>&1 || { echo "build-cert-manager: go >= 1.26 is required (https://go.dev/dl/)" >&2; exit 1; }
[ -f "$SRC/main.go" ] && [ -f "$SRC/go.mod" ] || { echo "build-cert-manager: $SRC/main.go or go.mod missing" >&2; exit 1; }

mkdir -p "$TOOLS_HOME/bin" "$TOOLS_HOME/stamps" "$DIR"
# One build at a time per cache (cluster-setup.sh and a manual run may overlap).
exec 9>"$DIR.lock"
flock 9

LDFLAGS="-s -w"
# What the binary depends on: our sources, the version, the Go toolchain and the build flags.
inputs_hash() {
  { echo "$CERT_MANAGER_VERSION $(go env GOVERSION) $GOFLAGS $LDFLAGS"; cat "$SRC/main.go" "$SRC/go.mod"; } | sha256sum | cut -d' ' -f1
}

link() {
  ln -sf "$BIN" "$TOOLS_HOME/bin/cert-manager-controller"
  ln -sfn "$DIR/crds" "$TOOLS_HOME/cert-manager-crds"
}

hash=$(inputs_hash)
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$hash" ] && compgen -G "$DIR/crds/*.yaml" >/dev/null; then
  echo "cert-manager-controller $CERT_MANAGER_VERSION already built ($(basename "$BIN"), inputs ${hash:0:12})"
  link
  exit 0
fi

started=$(date +%s)
rm -f "$STAMP"

# The CRDs, straight from the module the controller is built against.
src=$(go mod download -json "$CM_MODULE@$CERT_MANAGER_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -n "$src" ] && compgen -G "$src/deploy/crds/*.yaml" >/dev/null || { echo "build-cert-manager: no deploy/crds in $CM_MODULE@$CERT_MANAGER_VERSION" >&2; exit 1; }
rm -rf "$DIR/crds"; mkdir -p "$DIR/crds"
cp "$src"/deploy/crds/*.yaml "$DIR/crds/"
chmod -R u+w "$DIR/crds"

# Our main, in a copy of its module: tidy writes go.sum here, never in the clone.
mod="$DIR/module"
rm -rf "$mod"; mkdir -p "$mod" "$DIR/bin"
cp "$SRC/main.go" "$SRC/go.mod" "$mod/"
(
  cd "$mod"
  go mod edit -require="$CM_MODULE@$CERT_MANAGER_VERSION"
  go mod tidy
  go build -ldflags "$LDFLAGS" -o "$BIN.new" .
)
mv -f "$BIN.new" "$BIN"
echo "$hash" > "$STAMP"
link
echo "cert-manager-controller $CERT_MANAGER_VERSION built in $(( $(date +%s) - started )) s ($(du -h "$BIN" | cut -f1), $(ls "$DIR/crds" | wc -l) CRDs)"
