from __future__ import annotations

from fastapi import APIRouter

from devmentor.flags.deps import FlagServiceDep
from devmentor.flags.schemas import FlagOut

router = APIRouter(prefix="/flags", tags=["flags"])


@router.get("", summary="List feature flags")
async def list_flags(service: FlagServiceDep) -> list[FlagOut]:
    return await service.list()
