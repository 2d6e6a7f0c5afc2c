"""Writes the JSON schemas kubeconform validates k8s/ against (run by update.sh, which pins the sources).

Two inputs:
  builtin SRC_DIR KINDS_FILE OUT_DIR
      SRC_DIR is a "<version>-local-strict" folder of Kubernetes JSON schemas (one file per kind that refers to a
      shared _definitions.json), as the kubernetes-validate package ships them. For every kind listed in KINDS_FILE
      (file names such as deployment-apps-v1) this writes OUT_DIR/<kind>.json with all references inlined: a
      standalone-strict schema, the layout kubeconform expects for Kubernetes' own kinds.
  crd OUT_DIR CRD_YAML...
      For every version of every CustomResourceDefinition in the YAML files, writes
      OUT_DIR/<group>/<kind>_<version>.json from its openAPIV3Schema, made strict (no unknown fields where the CRD
      lists properties and does not say otherwise), as kubeconform's openapi2jsonschema does.
"""

import json
import os
import sys

import yaml

REF_PREFIXES = ("/api/_definitions.json#/$defs/", "#/$defs/")


def inline(node, definitions, stack):
    """Returns node with every $ref to a definition replaced by the definition (recursively)."""
    if isinstance(node, list):
        return [inline(item, definitions, stack) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    prefix = next((p for p in REF_PREFIXES if isinstance(ref, str) and ref.startswith(p)), None)
    if prefix:
        name = ref[len(prefix):]
        if name in stack:
            # A recursive type (none in the kinds tuneloop uses): accept anything below this point.
            return {}
        resolved = inline(definitions[name], definitions, stack | {name})
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return {**resolved, **inline(rest, definitions, stack)} if rest else resolved
    return {k: inline(v, definitions, stack) for k, v in node.items()}


def builtin(src_dir, kinds_file, out_dir):
    with open(os.path.join(src_dir, "_definitions.json"), encoding="utf-8") as f:
        definitions = json.load(f)["$defs"]
    with open(kinds_file, encoding="utf-8") as f:
        kinds = [line.split("#")[0].strip() for line in f]
    os.makedirs(out_dir, exist_ok=True)
    for kind in filter(None, kinds):
        with open(os.path.join(src_dir, kind + ".json"), encoding="utf-8") as f:
            schema = json.load(f)
        write(os.path.join(out_dir, kind + ".json"), strip_descriptions(inline(schema, definitions, frozenset())))


def strip_descriptions(node):
    """Drops the prose (descriptions), which is most of the size and plays no part in validation."""
    if isinstance(node, list):
        return [strip_descriptions(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        k: strip_descriptions(v)
        for k, v in node.items()
        if not (k == "description" and isinstance(v, str))
    }


def strict(node):
    """Adds additionalProperties: false to every object schema with properties, as kubeconform's converter does."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def crd(out_dir, files):
    for path in files:
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d and d.get("kind") == "CustomResourceDefinition"]
        for doc in docs:
            spec = doc["spec"]
            group, kind = spec["group"], spec["names"]["kind"].lower()
            for version in spec["versions"]:
                schema = strip_descriptions(strict(version["schema"]["openAPIV3Schema"]))
                # apiVersion and kind are always allowed (the CRD does not always list them)
                schema.setdefault("properties", {}).setdefault("apiVersion", {"type": "string"})
                schema["properties"].setdefault("kind", {"type": "string"})
                schema["properties"].setdefault("metadata", {"type": "object"})
                write(os.path.join(out_dir, group, f"{kind}_{version['name']}.json"), schema)


def write(path, schema):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(schema, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"  {path} ({os.path.getsize(path) // 1024} KiB)")


def main(argv):
    if len(argv) >= 4 and argv[0] == "builtin":
        builtin(argv[1], argv[2], argv[3])
    elif len(argv) >= 3 and argv[0] == "crd":
        crd(argv[1], argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
