"""The OpenAPI description of every endpoint includes its error answers, so clients (and
schemathesis) know that 401/403/404… are part of the contract, with their JSON shape."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "description": "{'detail': message} or {field: [messages]}",
            "additionalProperties": {},
        }
    }
}
DESCRIPTIONS = {
    "400": "Invalid input",
    "401": "Authentication failed (bad token)",
    "403": "Not signed in, or not allowed",
    "404": "Not found, not visible to the caller, or no such page",
    "405": "Method not allowed",
    "413": "File too large",
    "415": "Unsupported media type",
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # 404: an unknown or invisible object, or a page number past the end of a list.
        codes = ["401", "403", "404"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "413", "415"]
        for code in codes:
            responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": ERROR_BODY})
        return responses


class ObjectAnswerSchema(ApiSchema):
    """For a ``list`` action that answers one object ({count, results, facets})."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
