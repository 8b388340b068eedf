from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.flags.models import FeatureFlag


class FlagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, key: str) -> FeatureFlag | None:
        return await self.session.get(FeatureFlag, key)

    async def list(self) -> Sequence[FeatureFlag]:
        result = await self.session.scalars(select(FeatureFlag).order_by(FeatureFlag.key))
        return result.all()

    async def upsert(self, key: str, *, enabled: bool, description: str | None) -> FeatureFlag:
        flag = await self.get(key)
        if flag is None:
            flag = FeatureFlag(key=key, enabled=enabled, description=description or "")
            self.session.add(flag)
        else:
            flag.enabled = enabled
            if description is not None:
                flag.description = description
        await self.session.flush()
        return flag
