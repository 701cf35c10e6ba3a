"""schemathesis hooks of `.ci/conformance.sh`: live ids for reference fields.

A reference column (`customer_id`, `asset_id`, ...) takes the id of an existing row of another
model in the caller's organisation; any other id is refused with 422 `not_found`. The served
spec names the referenced model on the property (`x-metacore-ref: customers`), which is all a
schema can say: it cannot list ids that exist only at run time. Left alone, schemathesis fills
such a field with a random UUID, or with the id of a row it has since deleted, so a create with
a required reference almost never gets through and the run warns "schema validation mismatch".

A create also gets a fresh client-chosen `id` and fresh values for its unique columns
(`x-metacore-unique`), which generators would otherwise repeat into 409s; an action's
idempotency key field (`x-metacore-idempotency-key`) gets a fresh value, which generators
would otherwise repeat into 422 `idempotency_key_reuse`.

Before each request whose JSON body carries a reference property holding a well-formed UUID,
this hook swaps in the id of a live row of the referenced model, read from the API itself
(`GET /api/data/<route>?per_page=1`, newest first); with no row to point at, an optional
reference becomes `null`. The record id of a row action (`/api/data/<route>/{id}/action/<key>`,
which no create links to outside the stateful phase) gets the same treatment. Values that are
not UUIDs (the malformed ones negative tests send) and `null` are left as generated, so every
rejection check still sees what it was meant to see.
"""

from __future__ import annotations

import json
import os
import random
import re
import urllib.request
import uuid
from typing import Any

import schemathesis

EXTENSION = "x-metacore-ref"
UNIQUE = "x-metacore-unique"
IDEMPOTENCY_KEY = "x-metacore-idempotency-key"
COLLECTION = re.compile(r"^/api/data/[a-z0-9_]+$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def _body_schema(operation: Any) -> dict[str, Any]:
    """The schema of the operation's JSON body, its `$ref` resolved; `{}` without one."""
    definition = operation.definition.raw
    content = (definition.get("requestBody") or {}).get("content") or {}
    for media, body in content.items():
        if not media.startswith("application/json"):
            continue
        schema = body.get("schema") or {}
        reference = schema.get("$ref", "")
        if reference.startswith("#/components/schemas/"):
            name = reference.rsplit("/", 1)[-1]
            schema = operation.schema.raw_schema["components"]["schemas"].get(name, {})
        return schema
    return {}


def _references(operation: Any) -> dict[str, str]:
    """The reference properties of the operation's JSON body: field -> referenced route."""
    return {
        field: prop[EXTENSION]
        for field, prop in (_body_schema(operation).get("properties") or {}).items()
        if isinstance(prop, dict) and EXTENSION in prop
    }


def _fresh_unique_values(case: Any) -> None:
    """A create's client-chosen `id` and unique columns get values no earlier case used.

    Generators repeat values (the same UUID, the code `"0"`), so every create after the first
    would be a 409 `duplicate`. Only well-formed values are replaced, with values of the same
    kind and length, so what a case meant to test stays as it was.
    """
    properties = _body_schema(case.operation).get("properties") or {}
    body = case.body
    value = body.get("id")
    if isinstance(value, str) and UUID.match(value):
        body["id"] = str(uuid.uuid4())
    for field, prop in properties.items():
        if not (isinstance(prop, dict) and prop.get(UNIQUE)):
            continue
        value = body.get(field)
        # Hex text fits any length limit and the "not blank" pattern, not other patterns.
        plain = prop.get("pattern", r"\S") == r"\S" and not any(k in prop for k in ("enum", "format"))
        if isinstance(value, str) and value.strip() and plain:
            fresh = uuid.uuid4().hex
            body[field] = (fresh * (len(value) // 32 + 1))[: len(value)]
        elif isinstance(value, int) and not isinstance(value, bool):
            low = int(prop.get("minimum", 1))
            high = int(prop.get("maximum", 2**31 - 1))
            if low <= high:
                body[field] = random.randint(low, high)


def _fresh_idempotency_keys(case: Any) -> None:
    """An action's idempotency key field (`x-metacore-idempotency-key`) gets a value no earlier
    case used: generators repeat values (`"0"`), and a repeated key with another body is, by
    design, a 422 `idempotency_key_reuse` that would hide everything else the case tests."""
    properties = _body_schema(case.operation).get("properties") or {}
    for field, prop in properties.items():
        if not (isinstance(prop, dict) and prop.get(IDEMPOTENCY_KEY)):
            continue
        value = case.body.get(field)
        if isinstance(value, str) and value.strip():
            fresh = uuid.uuid4().hex
            case.body[field] = (fresh * (len(value) // 32 + 1))[: len(value)]


def _required(operation: Any) -> set[str]:
    """The required properties of the operation's JSON body."""
    schema = _body_schema(operation)
    return set(schema.get("required") or [])


def _live_id(base_url: str, route: str) -> str | None:
    """The id of the newest row of `route` the conformance token can see, if any."""
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}/api/data/{route}?per_page=1",
        headers={"Authorization": f"Bearer {os.environ['METACORE_TOKEN']}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            rows = json.load(response).get("data") or []
    except (OSError, ValueError):
        return None
    return rows[0].get("id") if rows and isinstance(rows[0], dict) else None


ACTION = re.compile(r"^/api/data/(?P<route>[a-z0-9_]+)/\{id\}/action/[a-z0-9_]+$")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    base_url = case.operation.schema.get_base_url()
    action = ACTION.match(case.operation.path)
    path_id = (case.path_parameters or {}).get("id")
    if action and isinstance(path_id, str) and UUID.match(path_id):
        live = _live_id(base_url, action.group("route"))
        if live is not None:
            case.path_parameters["id"] = live
    if not isinstance(case.body, dict):
        return
    if case.operation.method.upper() == "POST" and COLLECTION.match(case.operation.path):
        _fresh_unique_values(case)
    _fresh_idempotency_keys(case)
    references = _references(case.operation)
    required = _required(case.operation)
    for field, route in references.items():
        value = case.body.get(field)
        if isinstance(value, str) and UUID.match(value):
            live = _live_id(base_url, route)
            if live is not None:
                case.body[field] = live
            elif field not in required:
                # Nothing to point at yet (the first rows of a self-referencing model): an
                # optional reference is left empty instead.
                case.body[field] = None
