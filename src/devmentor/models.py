"""Every domain's ORM models, imported so that one MetaData describes the whole schema.

Alembic (migrations and the drift check) reads ``target_metadata`` from here; add a
domain's ``models`` module below when it gets tables.
"""

from devmentor.ai import models as _ai  # noqa: F401 - registers tables on Base.metadata
from devmentor.auth import models as _auth  # noqa: F401 - registers tables on Base.metadata
from devmentor.flags import models as _flags  # noqa: F401 - registers tables on Base.metadata
from devmentor.kit.db import Base
from devmentor.learning import models as _learning  # noqa: F401 - registers tables on Base.metadata

target_metadata = Base.metadata
