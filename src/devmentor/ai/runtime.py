"""Builds the gateway from settings: providers, routes, budget store and ledger."""

from __future__ import annotations

import uuid

from devmentor.ai.budget import BudgetStore, MemoryBudgetStore, Periods, RedisBudgetStore, Spent
from devmentor.ai.gateway import AIGateway, Target
from devmentor.ai.ledger import UsageRecorder
from devmentor.ai.pricing import ModelPrice, PriceTable
from devmentor.ai.providers.anthropic_messages import AnthropicProvider
from devmentor.ai.providers.base import Provider
from devmentor.ai.providers.offline import OFFLINE_MODEL, OfflineProvider
from devmentor.ai.providers.openai_chat import OpenAIChatProvider
from devmentor.ai.repository import UsageLedger
from devmentor.ai.types import Task
from devmentor.kit.platform import Platform
from devmentor.settings import MAX_ROUTE_HOPS, AISettings


def build_providers(settings: AISettings) -> dict[str, Provider]:
    providers: dict[str, Provider] = {"offline": OfflineProvider()}
    if settings.openai_api_key:
        providers["openai"] = OpenAIChatProvider(
            "openai",
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url,
            organization=settings.openai_organization,
        )
    if settings.anthropic_api_key:
        providers["anthropic"] = AnthropicProvider(
            "anthropic",
            api_key=settings.anthropic_api_key.get_secret_value(),
            base_url=settings.anthropic_base_url,
        )
    if settings.local_base_url:
        providers["local"] = OpenAIChatProvider(
            "local",
            # Local servers ignore the key, but the SDK refuses to start without one.
            api_key=settings.local_api_key.get_secret_value()
            if settings.local_api_key
            else "local",
            base_url=settings.local_base_url,
            metered=settings.local_metered,
            compatible=True,
        )
    return providers


def _target(text: str) -> Target:
    provider, _, model = text.partition(":")
    return Target(provider, OFFLINE_MODEL if provider == "offline" else model)


def build_routes(settings: AISettings) -> dict[Task, tuple[Target, ...]]:
    """Each task's targets: as configured, else every configured provider's default model;
    then the offline mentor, unless turned off."""
    defaults = {
        "openai": settings.openai_model,
        "anthropic": settings.anthropic_model,
        "local": settings.local_model,
    }
    routes: dict[Task, tuple[Target, ...]] = {}
    for task in Task:
        configured = settings.routes.get(task.value)
        if configured:
            targets = [_target(t) for t in configured]
        else:
            targets = [Target(p, defaults[p]) for p in settings.configured_providers]
        if settings.offline_fallback and not any(t.provider == "offline" for t in targets):
            targets.append(Target("offline", OFFLINE_MODEL))
        if not targets:
            raise ValueError(
                f"task {task.value!r} has no AI provider: "
                "configure one, or keep offline_fallback on"
            )
        if len(targets) > MAX_ROUTE_HOPS:
            raise ValueError(
                f"task {task.value!r} has {len(targets)} targets with the offline fallback; "
                f"the most is {MAX_ROUTE_HOPS}"
            )
        routes[task] = tuple(targets)
    return routes


def build_price_table(settings: AISettings) -> PriceTable:
    overrides = {model: ModelPrice.model_validate(p) for model, p in settings.prices.items()}
    return PriceTable(overrides, ModelPrice.model_validate(settings.default_price))


async def start_gateway(platform: Platform) -> AIGateway:
    """The gateway for this process, with its ledger writer running."""
    settings = platform.settings.ai
    recorder = UsageRecorder(platform.db, flush_seconds=settings.ledger_flush_seconds)

    async def seed(user_id: str, periods: Periods) -> tuple[Spent, Spent]:
        # This process's own unwritten rows count too.
        await recorder.flush()
        uid = uuid.UUID(user_id)
        async with platform.db.session() as session:
            ledger = UsageLedger(session)
            day = await ledger.spent(uid, periods.day_start, periods.day_end)
            month = await ledger.spent(uid, periods.month_start, periods.month_end)
        return day, month

    budgets: BudgetStore
    if platform.redis is not None:
        budgets = RedisBudgetStore(platform.redis)
    else:
        budgets = MemoryBudgetStore()
    providers = build_providers(settings)
    try:
        gateway = AIGateway(
            settings,
            providers=providers,
            routes=build_routes(settings),
            cache=platform.cache,
            limiter=platform.limiter,
            budgets=budgets,
            recorder=recorder,
            seed_loader=seed,
            prices=build_price_table(settings),
        )
    except BaseException:
        for provider in providers.values():
            await provider.aclose()
        raise
    await recorder.start()
    return gateway
