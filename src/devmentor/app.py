"""The application factory: the one place where domains are wired together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from devmentor import __version__
from devmentor.ai.pages import router as ai_pages_router
from devmentor.ai.router import admin_router as ai_admin_router
from devmentor.ai.router import router as ai_router
from devmentor.ai.runtime import start_gateway
from devmentor.auth.pages import router as auth_pages_router
from devmentor.auth.router import router as auth_router
from devmentor.auth.runtime import AuthRuntime
from devmentor.curriculum.router import router as curriculum_router
from devmentor.deps import api_rate_limit
from devmentor.flags.router import router as flags_router
from devmentor.kit.errors import install_error_handlers
from devmentor.kit.logging import configure_logging
from devmentor.kit.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from devmentor.kit.platform import Platform
from devmentor.learning.pages import router as learning_pages_router
from devmentor.learning.router import achievements_router
from devmentor.learning.router import router as learning_router
from devmentor.ops.router import router as ops_router
from devmentor.settings import Settings, get_settings
from devmentor.web.router import router as web_router

WEB_DIR = Path(__file__).parent / "web"
MAX_REQUEST_BYTES = 2 * 1024 * 1024


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        platform = await Platform.start(settings)
        try:
            gateway = await start_gateway(platform)
        except BaseException:
            await platform.close()
            raise
        app.state.platform = platform
        app.state.ai_gateway = gateway
        try:
            yield
        finally:
            app.state.platform = None
            app.state.ai_gateway = None
            await gateway.aclose()
            await platform.close()

    app = FastAPI(
        title="DevMentor API",
        version=__version__,
        description=(
            "DevMentor teaches developers from their own code. Errors are "
            "`application/problem+json` (RFC 9457) with a machine-readable `code`."
        ),
        lifespan=lifespan,
        docs_url=None,  # served below from packaged assets: no CDN, works offline
        redoc_url=None,
        openapi_url="/openapi.json" if settings.public_api_docs else None,
    )
    app.state.settings = settings
    app.state.platform = None
    app.state.ai_gateway = None
    app.state.auth_runtime = AuthRuntime.from_settings(settings)
    install_error_handlers(app)

    api = APIRouter(prefix="/api", dependencies=[Depends(api_rate_limit)])
    api.include_router(auth_router)
    api.include_router(flags_router)
    api.include_router(ai_router)
    api.include_router(ai_admin_router)
    api.include_router(curriculum_router)
    api.include_router(learning_router)
    api.include_router(achievements_router)
    app.include_router(api)
    app.include_router(ops_router)
    app.include_router(web_router)
    app.include_router(auth_pages_router)
    app.include_router(ai_pages_router)
    app.include_router(learning_pages_router)

    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    if settings.public_api_docs:
        _mount_api_docs(app)

    # The last added runs outermost: the request id exists before anything logs or fails.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=MAX_REQUEST_BYTES)
    app.add_middleware(RequestContextMiddleware)
    return app


def _mount_api_docs(app: FastAPI) -> None:
    # Swagger UI's files come from the swagger-ui-bundle wheel, never from a CDN, and
    # its start-up script is our own static file so the page runs under a strict CSP.
    app.mount(
        "/api-docs/assets",
        StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
        name="swagger-assets",
    )
    # The page itself is web/router.py's (it knows who is signed in).
