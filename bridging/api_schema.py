"""The answers other than 200 that every endpoint of both APIs can give, added to the OpenAPI
document (a drf-spectacular postprocessing hook, SPECTACULAR_SETTINGS): a client generated from
the document, or a tool that checks the API against it, knows them. Each says what it means;
the body is a JSON object (`detail`, or a list of messages per parameter)."""

ERROR_BODY = {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}

ANSWERS = {
    "400": "A query parameter is not valid: the body says which and why.",
    "401": "No token, or a token that is wrong, revoked or whose maker is no longer a "
    "coordinator of its organisation.",
    "404": "Not found: an id that does not exist or is not the token's organisation's, or a "
    "page past the last.",
    "429": "Too many requests from this token or address: try again later (Retry-After).",
}


def add_error_answers(result, generator, request, public):
    """Add 400 (where the operation takes query parameters), 401 (where it needs a token),
    404 and 429 to every operation that does not describe them itself."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["404", "429"]
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                codes.append("400")
            if any("apiToken" in need for need in operation.get("security", [])):
                codes.append("401")
            for code in sorted(codes):
                operation["responses"].setdefault(
                    code, {"description": ANSWERS[code], "content": ERROR_BODY}
                )
    return result
