"""What a call costs, and the most it could cost before it is made.

Prices are US dollars per million tokens, as the providers publish them. The built-in table
is a starting point (checked 2026-11); operators override or extend it with
``DEVMENTOR_AI__PRICES`` without a release. A metered model missing from both is charged
``DEVMENTOR_AI__DEFAULT_PRICE``, deliberately high, so an unknown model can't run up an
unbounded bill.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from pydantic import BaseModel, Field

from devmentor.ai.types import ChatRequest, Usage


class ModelPrice(BaseModel):
    """USD per million tokens."""

    input: float = Field(ge=0, le=10_000)
    output: float = Field(ge=0, le=10_000)


BUILT_IN_PRICES: Mapping[str, ModelPrice] = {
    # OpenAI
    "gpt-4o-mini": ModelPrice(input=0.15, output=0.60),
    "gpt-4o": ModelPrice(input=2.50, output=10.00),
    "gpt-4.1": ModelPrice(input=2.00, output=8.00),
    "gpt-4.1-mini": ModelPrice(input=0.40, output=1.60),
    "gpt-4.1-nano": ModelPrice(input=0.10, output=0.40),
    "gpt-5": ModelPrice(input=1.25, output=10.00),
    "gpt-5-mini": ModelPrice(input=0.25, output=2.00),
    "gpt-5-nano": ModelPrice(input=0.05, output=0.40),
    # Anthropic
    "claude-haiku-4-5": ModelPrice(input=1.00, output=5.00),
    "claude-sonnet-4-5": ModelPrice(input=3.00, output=15.00),
    "claude-opus-4-1": ModelPrice(input=15.00, output=75.00),
    "claude-3-5-haiku-latest": ModelPrice(input=0.80, output=4.00),
}

#: Per-message framing tokens (role markers and separators) added to the text's own.
_MESSAGE_OVERHEAD_TOKENS = 8


class PriceTable:
    def __init__(self, overrides: Mapping[str, ModelPrice], default: ModelPrice) -> None:
        self._prices = {**BUILT_IN_PRICES, **overrides}
        self._default = default

    def price(self, model: str) -> ModelPrice:
        return self._prices.get(model) or self._default

    def known(self, model: str) -> bool:
        return model in self._prices

    def cost_usd(self, model: str, usage: Usage) -> float:
        price = self.price(model)
        return (usage.input_tokens * price.input + usage.output_tokens * price.output) / 1e6


def max_input_tokens(request: ChatRequest) -> int:
    """An upper bound on the request's input tokens, without a tokenizer.

    Byte-level BPE tokenizers (OpenAI's, Anthropic's, Llama's) never make a token of less
    than one byte, so the UTF-8 length bounds the count from above. Tokenizer packages
    that know the exact count download their vocabularies at run time, which an offline
    install cannot do. The bound is loose (about 4x for English), but reservations are
    reconciled with the real count as soon as the call returns.
    """
    total = 0
    for message in request.messages:
        total += len(message.content.encode()) + _MESSAGE_OVERHEAD_TOKENS
    if request.json_schema is not None:
        total += 2 * len(str(request.json_schema))
    return total


def estimate_tokens(text: str) -> int:
    """A typical (not worst-case) count, for providers that report no usage."""
    return max(1, math.ceil(len(text) / 4))
