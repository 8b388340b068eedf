"""Response-cache keys and the cached form of an answer."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from devmentor.ai.types import ChatRequest, ProviderResponse, Usage

#: Bumped when the key's recipe or the cached form changes, so old entries are ignored.
_VERSION = "v1"


def normalise(text: str) -> str:
    """Text as the cache compares it: NFC, Unix newlines, no trailing spaces per line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def cache_key(provider: str, model: str, request: ChatRequest) -> str:
    """Exact match on provider, model, normalised messages, parameters and scope."""
    payload = [
        provider,
        model,
        [[m.role, normalise(m.content)] for m in request.messages],
        request.max_output_tokens,
        round(request.temperature, 3),
        request.json_schema,
        request.cache_scope,
    ]
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"ai:resp:{_VERSION}:{hashlib.sha256(raw.encode()).hexdigest()}"


def to_cache(response: ProviderResponse) -> dict[str, Any]:
    return {
        "text": response.text,
        "model": response.model,
        "finish_reason": response.finish_reason,
        "usage": [response.usage.input_tokens, response.usage.output_tokens],
    }


def from_cache(value: dict[str, Any]) -> ProviderResponse:
    input_tokens, output_tokens = value["usage"]
    return ProviderResponse(
        value["text"], Usage(input_tokens, output_tokens), value["model"], value["finish_reason"]
    )
