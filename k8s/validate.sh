#!/usr/bin/env bash
# Validates k8s/ and deploy/compose without a cluster and without Docker; run by `./mvnw verify` (module k8s) and
# by hand: k8s/validate.sh
#
#   1. k8s/base/kafka/topics.yaml matches deploy/local/topics.txt (every topic and its .dlq)
#   2. `kustomize build` of every overlay in k8s/overlays (output: k8s/target/rendered/<overlay>.yaml)
#   3. kubeconform -strict on that output against the JSON schemas vendored in k8s/schemas (Kubernetes kinds,
#      Strimzi, KEDA, ServiceMonitor); nothing is fetched, a kind without a schema fails
#   4. what each service's Deployment must have (probes, resources, ConfigMap + Secret, Service, PDB,
#      ServiceMonitor) in every overlay
#   5. deploy/compose/docker-compose*.yml against the compose-spec schema, same variables and ports as k8s
#
# kustomize and kubeconform are installed with `go install` (Go module proxy) into ~/.cache/tuneloop/bin on first
# use; PyYAML and jsonschema come from the system Python or a cached virtualenv (PyPI).
set -euo pipefail

KUSTOMIZE_VERSION=v5.7.1
KUBECONFORM_VERSION=v0.7.0
K8S_VERSION=1.33.0
PYYAML_VERSION=6.0.3
JSONSCHEMA_VERSION=4.26.0

here=$(cd "$(dirname "$0")" && pwd)
cache=${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}
bin=$cache/bin
out=$here/target/rendered
started=$SECONDS

log() { printf '[k8s] %s\n' "$*"; }
fail() {
  printf '[k8s] FAILED: %s\n' "$*" >&2
  exit 1
}

# install_go_tool NAME MODULE VERSION: prints the path of NAME at VERSION, installing it when missing.
install_go_tool() {
  local name=$1 module=$2 version=$3 target=$bin/$1-$3
  if [[ ! -x $target ]]; then
    command -v go >/dev/null 2>&1 ||
      fail "$name $version is not installed and there is no Go toolchain to install it (Go 1.24+, as deploy/local needs)"
    log "installing $name $version with go install (one-off)" >&2
    local tmp
    tmp=$(mktemp -d)
    if ! GOBIN=$tmp GOFLAGS=-mod=mod GOPROXY=${GOPROXY:-https://proxy.golang.org,direct} \
      go install "$module@$version" >"$tmp/install.log" 2>&1; then
      tail -n 20 "$tmp/install.log" >&2
      rm -rf "$tmp"
      fail "could not install $name $version ($module@$version) from the Go module proxy; install it as $target by hand"
    fi
    mkdir -p "$bin"
    mv "$tmp/$name" "$target"
    rm -rf "$tmp"
  fi
  echo "$target"
}

# A Python with PyYAML and jsonschema: the system one if it has them, else a cached virtualenv.
python_with_deps() {
  if python3 -c 'import yaml, jsonschema' >/dev/null 2>&1; then
    echo python3
    return
  fi
  local venv=$cache/k8s-venv/$PYYAML_VERSION-$JSONSCHEMA_VERSION
  if [[ ! -x $venv/bin/python ]]; then
    log "creating a virtualenv with PyYAML and jsonschema (one-off): $venv" >&2
    rm -rf "$venv.tmp"
    python3 -m venv "$venv.tmp" >&2 || fail "python3 -m venv failed (install python3-venv)"
    "$venv.tmp/bin/pip" install -q "pyyaml==$PYYAML_VERSION" "jsonschema==$JSONSCHEMA_VERSION" >&2 ||
      fail "could not install pyyaml $PYYAML_VERSION and jsonschema $JSONSCHEMA_VERSION from PyPI"
    mv "$venv.tmp" "$venv"
  fi
  echo "$venv/bin/python"
}

kustomize=$(install_go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION")
kubeconform=$(install_go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")
python=$(python_with_deps)

log "topics: k8s/base/kafka/topics.yaml against deploy/local/topics.txt"
"$python" "$here/checks.py" topics || fail "KafkaTopics out of date"

rm -rf "$out"
mkdir -p "$out"
overlays=()
for dir in "$here"/overlays/*/; do
  overlay=$(basename "$dir")
  "$kustomize" build "$dir" >"$out/$overlay.yaml" || fail "kustomize build k8s/overlays/$overlay"
  overlays+=("$overlay")
done
[[ ${#overlays[@]} -gt 0 ]] || fail "no overlay in k8s/overlays"
log "kustomize $KUSTOMIZE_VERSION built ${overlays[*]} into k8s/${out#"$here"/}"

log "kubeconform $KUBECONFORM_VERSION -strict, Kubernetes $K8S_VERSION, schemas in k8s/schemas"
"$kubeconform" -strict -summary -kubernetes-version "$K8S_VERSION" \
  -schema-location "$here/schemas/kubernetes/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json" \
  -schema-location "$here/schemas/crds/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json" \
  "$out"/*.yaml || fail "kubeconform found invalid manifests (a kind without a vendored schema: add it, see k8s/schemas/update.sh)"

log "services: probes, resources, config, Service, PDB, ServiceMonitor in every overlay"
"$python" "$here/checks.py" rendered "$out" || fail "service manifests incomplete"

log "compose: deploy/compose against the compose-spec schema and k8s' environment"
"$python" "$here/checks.py" compose || fail "deploy/compose invalid"

log "all valid (${#overlays[@]} overlays, compose) in $((SECONDS - started))s"
