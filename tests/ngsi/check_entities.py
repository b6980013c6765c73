"""Check `citykpi assess --format ngsi-ld` entities against the Smart Data Models
KeyPerformanceIndicator model as pysmartdatamodels publishes it offline.

Usage: python3 check_entities.py ENTITIES.json [...]   (each a JSON array, either form)

The model comes from pysmartdatamodels' model assets (model-assets/smartdatamodels.json.gz:
one record per attribute with its name, JSON type, NGSI type, enum and format); the
package is found on PYTHONPATH but never imported, so its own dependencies are not needed.
Every entity must have `id` (a URN of this model's type) and `type`; every attribute must
be the model's (or a `u4ssc...` extra property), with the model's NGSI type in normalized
form, its JSON type, an allowed value where the model lists them (currentStanding,
calculationMethod, category, ...), and dates and date-times that parse as such. Exits 1
with one line per fault, 0 printing how many entities passed.
"""

import datetime
import gzip
import importlib.util
import json
import os
import re
import sys

MODEL = "KeyPerformanceIndicator"
SUBJECT = "dataModel.KeyPerformanceIndicator"
CONTEXT = [
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld",
    "https://raw.githubusercontent.com/smart-data-models/dataModel.KeyPerformanceIndicator/master/context.jsonld",
]
# The model's schema.json gives kpiValue as oneOf string, number, boolean, object or
# array; the assets flatten it to its first choice.
ANY_TYPE = {"kpiValue"}
JSON_TYPES = {
    "string": str,
    "number": (int, float),
    "integer": int,
    "boolean": bool,
    "object": dict,
    "array": list,
}
ID = re.compile(r"^urn:ngsi-ld:KeyPerformanceIndicator:[A-Za-z0-9._~%-]+:[A-Za-z0-9._~%-]+:[A-Za-z0-9._~%-]+:[0-9]{4}$")


def model_attributes():
    """{name: record} for the model's first-level attributes, and {name: record} for the
    sub-properties (calculationPeriod's from/to), from the offline assets."""
    spec = importlib.util.find_spec("pysmartdatamodels")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pysmartdatamodels is not on PYTHONPATH (pip install pysmartdatamodels)")
    path = os.path.join(spec.submodule_search_locations[0], "model-assets", "smartdatamodels.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        records = [r for r in json.load(f) if r.get("dataModel") == MODEL and r.get("repoName", SUBJECT) == SUBJECT]
    top, sub = {}, {}
    for r in records:
        name = r.get("property")
        if "parentId" in r:
            sub.setdefault(name, r)
        elif "typeNGSI" in r and name not in top:
            # The geometry types' own `type` records carry no typeNGSI; the entity's does.
            top[name] = r
    if not top:
        sys.exit(f"{path} has no attributes of {MODEL}")
    return top, sub


def check_date(text, kind):
    if kind == "date":
        datetime.date.fromisoformat(text)
    elif kind == "date-time":
        datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_value(where, name, value, record, sub, faults):
    if name not in ANY_TYPE:
        expected = JSON_TYPES.get(record.get("type"))
        if expected and (not isinstance(value, expected) or isinstance(value, bool) != (expected is bool)):
            faults.append(f"{where}: {name} is {json.dumps(value)[:60]}, not of the model's type {record['type']}")
            return
    allowed = record.get("enum")
    values = value if isinstance(value, list) else [value]
    if allowed and any(v not in allowed for v in values):
        faults.append(f"{where}: {name} {json.dumps(value)} is not one of the model's values {allowed}")
    try:
        if "format" in record:
            check_date(value, record["format"])
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in sub and "format" in sub[key]:
                    check_date(inner, sub[key]["format"])
    except (TypeError, ValueError) as error:
        faults.append(f"{where}: {name} {json.dumps(value)} is not a {record.get('format', 'date')}: {error}")


def check_entity(where, entity, top, sub, faults):
    for key in ("id", "type", "@context"):
        if key not in entity:
            faults.append(f"{where}: no {key}")
    if entity.get("type") != MODEL:
        faults.append(f"{where}: type {entity.get('type')!r} is not {MODEL}")
    if not ID.match(str(entity.get("id", ""))):
        faults.append(f"{where}: id {entity.get('id')!r} is not urn:ngsi-ld:{MODEL}:<city>:<code>:<part>:<year>")
    if entity.get("@context") != CONTEXT:
        faults.append(f"{where}: @context {entity.get('@context')} is not {CONTEXT}")
    for name, attribute in entity.items():
        if name in ("id", "type", "@context"):
            continue
        if name.startswith("u4ssc"):
            record = {}
        elif name in top:
            record = top[name]
        else:
            faults.append(f"{where}: {name} is not an attribute of {MODEL} (nor a u4ssc... extra)")
            continue
        normalized = isinstance(attribute, dict) and attribute.get("type") in ("Property", "Relationship", "GeoProperty")
        if normalized:
            expected = record.get("typeNGSI", "Property")
            if attribute["type"] != expected:
                faults.append(f"{where}: {name} is a {attribute['type']}, the model's is a {expected}")
            value = attribute.get("value")
            if isinstance(value, dict) and value.get("@type") == "DateTime":
                value = value.get("@value")
                if record.get("format") != "date-time":
                    faults.append(f"{where}: {name} is a DateTime, the model's is not")
        else:
            value = attribute
        if record:
            check_value(where, name, value, record, sub, faults)


def main(paths):
    top, sub = model_attributes()
    faults, count, ids = [], 0, set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            entities = json.load(f)
        if not isinstance(entities, list):
            faults.append(f"{path}: not a JSON array of entities")
            continue
        for i, entity in enumerate(entities):
            where = f"{path}: entity {i + 1} ({entity.get('id')})"
            check_entity(where, entity, top, sub, faults)
            if entity.get("id") in ids:
                faults.append(f"{where}: id given twice in {path}")
            ids.add(entity.get("id"))
            count += 1
        ids.clear()
    for fault in faults:
        print(fault)
    if faults:
        return 1
    print(f"{count} entities match the {MODEL} model ({len(top)} attributes, from pysmartdatamodels' model assets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
