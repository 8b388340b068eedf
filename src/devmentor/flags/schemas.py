from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

FLAG_KEY_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"


class FlagOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str = Field(pattern=FLAG_KEY_PATTERN)
    enabled: bool
    description: str
    updated_at: dt.datetime
