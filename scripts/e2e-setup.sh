#!/usr/bin/env bash
# Installs the tools of the end-to-end suite (`npm run test:e2e`, see TESTING.md). Idempotent: each
# tool is installed only when the pinned version is missing, so a CI cache of .e2e/ skips the builds.
#
#   openssl, dnsmasq, dig   Debian packages openssl, dnsmasq-base (the binary, no service), bind9-dnsutils
#   psql (libpq)            Debian package postgresql-client (the SQL endpoints' connection strings)
#   CoreDNS                 `go install` of the pinned release into .e2e/bin (needs Go >= 1.26 or
#                           GOTOOLCHAIN=auto; the Go module proxy is enough)
#   checkov                 the pinned release from PyPI into the virtualenv .e2e/venv (needs python3 >= 3.9)
#
# Environment: CROSSCLUSTER_E2E_HOME (default <repo>/.e2e), E2E_GOFLAGS (default -p=1: one build job).
set -euo pipefail
cd "$(dirname "$0")/.."

COREDNS_VERSION=v1.15.0
CHECKOV_VERSION=3.3.30
E2E_HOME="${CROSSCLUSTER_E2E_HOME:-$PWD/.e2e}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

echo "== e2e tools: Debian packages"
missing=()
have openssl || missing+=(openssl)
have dnsmasq || missing+=(dnsmasq-base)
have dig || missing+=(bind9-dnsutils)
have psql || missing+=(postgresql-client)
# checkov goes into a virtualenv: Debian's python3 needs python3-venv for that.
have python3 || missing+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

echo "== e2e tools: CoreDNS ${COREDNS_VERSION}"
mkdir -p "$E2E_HOME/bin"
coredns_version() {
  local out
  out="$("$E2E_HOME/bin/coredns" -version 2>/dev/null || true)"
  printf '%s\n' "${out%%$'\n'*}"
}
if [ "$(coredns_version)" = "CoreDNS-${COREDNS_VERSION#v}" ]; then
  echo "CoreDNS ${COREDNS_VERSION} already built"
else
  command -v go >/dev/null 2>&1 || { echo "e2e-setup: go is required to build CoreDNS (https://go.dev/dl/)" >&2; exit 1; }
  GOBIN="$E2E_HOME/bin" GOFLAGS="${E2E_GOFLAGS:--p=1} -buildvcs=false" go install "github.com/coredns/coredns@${COREDNS_VERSION}"
fi

echo "== e2e tools: checkov ${CHECKOV_VERSION}"
checkov_version() {
  "$E2E_HOME/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null
}
if [ "$(checkov_version)" = "$CHECKOV_VERSION" ]; then
  echo "checkov ${CHECKOV_VERSION} already installed"
else
  python3 -m venv "$E2E_HOME/venv"
  "$E2E_HOME/venv/bin/pip" install --quiet --disable-pip-version-check "checkov==${CHECKOV_VERSION}"
fi

echo "== e2e tools: versions"
openssl version
if [ -x /usr/sbin/dnsmasq ]; then /usr/sbin/dnsmasq --version | sed -n 1p; else dnsmasq --version | sed -n 1p; fi
dig -v 2>&1 | sed -n 1p
coredns_version
echo "checkov $(checkov_version)"
