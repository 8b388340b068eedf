from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from devmentor.kit.db import Base, UTCDateTime, utcnow


class FeatureFlag(Base):
    __tablename__ = "feature_flags"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    description: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow
    )
