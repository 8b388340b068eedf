from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from devmentor.deps import CacheDep, SessionDep
from devmentor.flags.service import FlagService


def get_flag_service(session: SessionDep, cache: CacheDep) -> FlagService:
    return FlagService(session, cache)


FlagServiceDep = Annotated[FlagService, Depends(get_flag_service)]
