"""The offline mentor's built-in knowledge base: short, curated topics.

Each topic is written for a learner: a plain explanation, questions that lead towards
the answer without giving it away, a next step to practise, and where to read more.
References name documents ("Python docs: contextlib") rather than URLs, because the
offline mentor must never point a learner at something it fetched or cannot vouch for.

The full curriculum (skill graph, lessons, question banks) lives elsewhere; this is the
small set the mentor needs to answer common questions without a model.

The topics live in one module per area (``python``, ``security``, ``quality``,
``web_ops``, ``javascript``, ``sql``); ``base`` defines ``Topic``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from devmentor.ai.offline.topics.base import Topic
from devmentor.ai.offline.topics.javascript import JAVASCRIPT_TOPICS
from devmentor.ai.offline.topics.python import PYTHON_TOPICS
from devmentor.ai.offline.topics.quality import QUALITY_TOPICS
from devmentor.ai.offline.topics.security import SECURITY_TOPICS
from devmentor.ai.offline.topics.sql import SQL_TOPICS
from devmentor.ai.offline.topics.web_ops import WEB_OPS_TOPICS

__all__ = ["TOPICS", "Topic"]

# Area by area, in this order: it is the order of TOPICS.
_ALL: tuple[Topic, ...] = (
    *PYTHON_TOPICS,
    *SECURITY_TOPICS,
    *QUALITY_TOPICS,
    *WEB_OPS_TOPICS,
    *JAVASCRIPT_TOPICS,
    *SQL_TOPICS,
)

TOPICS: Mapping[str, Topic] = MappingProxyType({topic.id: topic for topic in _ALL})
