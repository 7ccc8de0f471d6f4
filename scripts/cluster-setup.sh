#!/usr/bin/env bash
# Builds the tools of the real-control-plane tier (`npm run test:cluster`, see TESTING.md) from the
# Go module proxy. Idempotent: a tool is built only when its pinned version is missing from the cache,
# which lives outside the clone (keyed by version) so a second clone or CI run on the same machine
# reuses it, and a fresh machine rebuilds it.
#
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl   k8s.io/kubernetes (wrapper module
#                     with the staging replaces, version ldflags), etcd from the same module graph
#   kwok              sigs.k8s.io/kwok (fake nodes and pod status) plus its stage files
#   pulumi            the CLI, github.com/pulumi/pulumi/pkg/v3 (wrapper module)
#   pulumi-resource-kubernetes   github.com/pulumi/pulumi-kubernetes/provider/v4 (embedded schema derived
#                     from the module's own schema.json, which the module zip lacks in generated form)
#   cert-manager      our controller main on cert-manager's public packages, and the CRDs, from
#                     github.com/cert-manager/cert-manager (scripts/build-cert-manager.sh)
#
# No pulumi-language-nodejs: programs run as inline Automation API programs.
# Environment: CROSSCLUSTER_TOOLS_HOME (default ~/.cache/crosscluster-tools), CLUSTER_TOOLS (a subset,
# default all: "kubernetes kwok pulumi pulumi-kubernetes cert-manager").
# Prints, at the end, the directory the tests read through CROSSCLUSTER_TOOLS_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBERNETES_VERSION=v1.37.2
KWOK_VERSION=v0.8.0
PULUMI_VERSION=v3.274.1
# The newest pulumi-kubernetes provider the module proxy serves is a pseudo-version of v4.
PULUMI_KUBERNETES_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
PULUMI_KUBERNETES_VERSION=4.34.2
CERT_MANAGER_VERSION=v1.21.2

TOOLS_HOME="${CROSSCLUSTER_TOOLS_HOME:-$HOME/.cache/crosscluster-tools}"
WANTED="${CLUSTER_TOOLS:-kubernetes kwok pulumi pulumi-kubernetes cert-manager}"
export GOFLAGS="-buildvcs=false -trimpath"
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
mkdir -p "$TOOLS_HOME/bin"

command -v go >/dev/null 2>&1 || { echo "cluster-setup: go >= 1.26 is required (https://go.dev/dl/)" >&2; exit 1; }

# The tier's tests also use openssl (the simulated clusters' PKI, the shared CA as the docs make it) and
# curl (the containers' own scripts run against the API servers): Debian packages.
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

wanted() { [[ " $WANTED " == *" $1 "* ]]; }
stamp() { echo "$TOOLS_HOME/stamps/$1"; }
built() { [ -f "$(stamp "$1")" ]; }
mark_built() { mkdir -p "$TOOLS_HOME/stamps"; date -u +%FT%TZ > "$(stamp "$1")"; }
link_into_bin() { ln -sf "$1" "$TOOLS_HOME/bin/$(basename "$1")"; }
seconds() { date +%s; }

build_kubernetes() {
  local key="kubernetes-$KUBERNETES_VERSION" dir="$TOOLS_HOME/kubernetes-$KUBERNETES_VERSION"
  if built "$key"; then echo "kubernetes $KUBERNETES_VERSION already built"; else
    local started; started=$(seconds)
    local mod="$dir/module"; rm -rf "$mod"; mkdir -p "$mod" "$dir/bin"
    (
      cd "$mod"
      go mod init crosscluster.local/kubernetes-tools >/dev/null 2>&1
      # `go install k8s.io/kubernetes/...@v` refuses the module (its go.mod has replace lines): require it and
      # point every staging module at its published v0.<minor>.<patch> instead.
      local staging_version="v0.${KUBERNETES_VERSION#v1.}"
      go mod edit -require="k8s.io/kubernetes@$KUBERNETES_VERSION"
      go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" > kubernetes.json
      local gomod; gomod=$(sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' kubernetes.json)
      sed -n '/^replace (/,/^)/p' "$gomod" | awk '$2 == "=>" && $3 ~ /^\.\/staging/ {print $1}' | while read -r m; do
        go mod edit -require="$m@$staging_version" -replace="$m=$m@$staging_version"
      done
      cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubectl/pkg/cmd"
)
GO
      go mod tidy -e >/dev/null 2>&1 || true
      local minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
      local ld="-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
      go build -mod=mod -ldflags "$ld" -o "$dir/bin/" \
        k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
        k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
      go build -mod=mod -ldflags "-s -w" -o "$dir/bin/etcd" go.etcd.io/etcd/server/v3
    )
    mark_built "$key"
    echo "kubernetes $KUBERNETES_VERSION built in $(( $(seconds) - started )) s"
  fi
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl etcd; do link_into_bin "$dir/bin/$b"; done
}

build_kwok() {
  local key="kwok-$KWOK_VERSION" dir="$TOOLS_HOME/kwok-$KWOK_VERSION"
  if built "$key"; then echo "kwok $KWOK_VERSION already built"; else
    local started; started=$(seconds)
    mkdir -p "$dir/bin" "$dir/stages"
    GOBIN="$dir/bin" go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
    mark_built "$key"
    echo "kwok $KWOK_VERSION built in $(( $(seconds) - started )) s"
  fi
  if [ ! -f "$dir/stages/volume/fast/pvc-provision.yaml" ]; then
    local src; src=$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    # kwok's stage files: node initialization and heartbeats (without them fake nodes flap NotReady),
    # pod deletion, and volume provisioning.
    rm -rf "$dir/stages"; mkdir -p "$dir/stages"
    cp -r "$src/kustomize/stage/node" "$src/kustomize/stage/pod" "$src/kustomize/stage/volume" "$dir/stages/"
    chmod -R u+w "$dir/stages"
  fi
  link_into_bin "$dir/bin/kwok"
  ln -sfn "$dir/stages" "$TOOLS_HOME/kwok-stages"
}

build_pulumi() {
  local key="pulumi-$PULUMI_VERSION" dir="$TOOLS_HOME/pulumi-$PULUMI_VERSION"
  if built "$key"; then echo "pulumi $PULUMI_VERSION already built"; else
    local started; started=$(seconds)
    local mod="$dir/module"; rm -rf "$mod"; mkdir -p "$mod" "$dir/bin"
    (
      cd "$mod"
      go mod init crosscluster.local/pulumi-cli >/dev/null 2>&1
      go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" -require="github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION"
      # The CLI's go.mod replaces clipboard with a fork and expects a newer x/text than the graph picks.
      go mod edit -replace=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
      go mod edit -require=golang.org/x/text@v0.41.0
      printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' > tools.go
      go mod tidy -e >/dev/null 2>&1 || true
      go build -mod=mod -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
        -o "$dir/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    )
    mark_built "$key"
    echo "pulumi $PULUMI_VERSION built in $(( $(seconds) - started )) s"
  fi
  link_into_bin "$dir/bin/pulumi"
}

build_pulumi_kubernetes() {
  local key="pulumi-kubernetes-$PULUMI_KUBERNETES_VERSION" dir="$TOOLS_HOME/pulumi-kubernetes-$PULUMI_KUBERNETES_VERSION"
  if built "$key"; then echo "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION already built"; else
    local started; started=$(seconds)
    local mod="$dir/module" copy="$dir/provider"; rm -rf "$mod" "$copy"; mkdir -p "$mod" "$dir/bin"
    local src; src=$(go mod download -json "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_MODULE_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    cp -r "$src" "$copy"; chmod -R u+w "$copy"
    # The zip lacks the generated embed files: derive them from the module's own sources.
    local cmd="$copy/cmd/pulumi-resource-kubernetes"
    node -e '
      const fs = require("fs"); const [schema, out, version] = process.argv.slice(1);
      const s = JSON.parse(fs.readFileSync(schema, "utf8")); s.version = version;
      fs.writeFileSync(out, JSON.stringify(s));' "$cmd/schema.json" "$cmd/schema-embed.json" "$PULUMI_KUBERNETES_VERSION"
    if [ -f "$cmd/terraform-mapping.json" ]; then cp "$cmd/terraform-mapping.json" "$cmd/terraform-mapping-embed.json"
    else echo '{}' > "$cmd/terraform-mapping-embed.json"; fi
    (
      cd "$mod"
      go mod init crosscluster.local/pulumi-kubernetes >/dev/null 2>&1
      go mod edit -require="github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_MODULE_VERSION" \
        -replace="github.com/pulumi/pulumi-kubernetes/provider/v4=$copy"
      # Carry over the provider's own module replaces; its one directory replace (../sdk, the Go SDK beside
      # it in the repository) is not in the zip, so the published version it requires is used instead.
      (cd "$copy" && go mod edit -json) | node -e '
        const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
        for (const r of m.Replace || []) {
          if (!r.New.Version) continue;
          console.log(r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "") + "=" + r.New.Path + "@" + r.New.Version);
        }' | while read -r rep; do go mod edit -replace="$rep"; done
      (cd "$copy" && go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4)
      printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes"\n' > tools.go
      go mod tidy -e >/dev/null 2>&1 || true
      go build -mod=mod -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
        -o "$dir/bin/pulumi-resource-kubernetes" github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes
    )
    mark_built "$key"
    echo "pulumi-resource-kubernetes $PULUMI_KUBERNETES_VERSION built in $(( $(seconds) - started )) s"
  fi
  link_into_bin "$dir/bin/pulumi-resource-kubernetes"
}

build_cert_manager() {
  # Our own controller main (test/cluster/cert-manager-controller, on cert-manager's public packages: the
  # proxy does not serve the module of the upstream binary) and the CRDs. Idempotent; see the script.
  CROSSCLUSTER_TOOLS_HOME="$TOOLS_HOME" CERT_MANAGER_VERSION="$CERT_MANAGER_VERSION" bash scripts/build-cert-manager.sh
}

wanted kubernetes && build_kubernetes
wanted kwok && build_kwok
wanted pulumi-kubernetes && build_pulumi_kubernetes
wanted pulumi && build_pulumi
wanted cert-manager && build_cert_manager

echo "== cluster tools in $TOOLS_HOME/bin"
for b in "$TOOLS_HOME"/bin/*; do [ -e "$b" ] && echo "  $(basename "$b")"; done
