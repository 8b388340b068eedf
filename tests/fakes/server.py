"""The plumbing every fake shares: an ASGI app served over real TCP from a background thread.

A fake is a real server rather than an ASGI transport so that a browser, a separate process
and in-process clients (with their real connection pools) can all reach it. Subclasses say
what to serve and how to label it; :class:`ThreadedServer` binds the port, runs uvicorn in a
thread with its own event loop, and carries failures back to the test's thread::

    class FakeThing(ThreadedServer):
        _label = "fake Thing server"
        _server_header = "thing"

        def _make_app(self) -> ASGIApp:
            return Starlette(routes=[...])

    with FakeThing() as thing:
        ...  # thing.origin is http://127.0.0.1:<port>
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType
from typing import ClassVar, Self

import uvicorn
from starlette.types import ASGIApp

__all__ = ["ThreadedServer"]

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 10.0
_FORCED_STOP_TIMEOUT = 5.0
_START_POLL = 0.005


class ThreadedServer:
    """An ASGI app served by uvicorn on a free 127.0.0.1 port, in a thread of its own.

    ``start()`` binds the port before the thread starts, so ``origin`` is known (and the port
    reserved) as soon as it returns, and waits until uvicorn accepts connections. ``stop()``
    shuts uvicorn down gracefully, forcing it after a while so that a connection that never
    ends cannot hang the test run. An exception that ends the server thread is raised by
    ``start()`` or ``stop()`` in the caller's thread, where a test sees it. Usable as a
    context manager, which starts and stops the server.

    Hooks for subclasses: ``_make_app`` (required), the class attributes ``_label`` (names
    the server in errors and its thread) and ``_server_header`` (the ``Server`` response
    header), and ``_before_start``, ``_on_loop``, ``_before_stop`` and ``_after_stop`` for
    behaviour of their own around starting and stopping.
    """

    _label: ClassVar[str] = "fake server"
    _server_header: ClassVar[str] = "fake"

    def __init__(self) -> None:
        self._port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._server_error: BaseException | None = None

    # -- Hooks -------------------------------------------------------------------------

    def _make_app(self) -> ASGIApp:
        """The ASGI app to serve; called by every ``start()``."""
        raise NotImplementedError

    def _before_start(self) -> None:
        """Called by ``start()`` in the caller's thread, before the server thread starts."""

    async def _on_loop(self) -> None:
        """Awaited in the server thread, on its event loop, before uvicorn starts serving."""

    def _before_stop(self) -> None:
        """Called by ``stop()`` in the caller's thread, before uvicorn is told to exit."""

    def _after_stop(self) -> None:
        """Called by ``stop()`` once the server is down and cleanly so; may raise."""

    # -- Public API ----------------------------------------------------------------------

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``; there is no port until ``start()``."""
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} has no address until start()")
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        self._before_start()
        app = self._make_app()
        # Binding here, before the thread starts, makes the port known (and reserved) at once.
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets whose proto says
        # TCP, and without it Nagle plus delayed ACKs add ~40 ms to each keep-alive request.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
            config = uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                # Plain asyncio and h11, pure Python, the same wherever the tests run (no
                # uvloop, no httptools); llm.py's dropped connections rely on h11's handling.
                loop="asyncio",
                http="h11",
                # No websockets: importing that stack can raise deprecation warnings, which
                # the test suite turns into errors.
                ws="none",
                # No lifespan events: a fake's state lives on its object, set up before start().
                lifespan="off",
                # None: leave the process's logging setup (the app's, pytest's) alone. Turning
                # the access log off does detach uvicorn.access, as the app's own setup does.
                log_config=None,
                access_log=False,
                # uvicorn's own "Server: uvicorn" replaced by the imitated service's value.
                server_header=False,
                headers=[("Server", self._server_header)],
                # A request still running after this many seconds of shutdown is cancelled.
                timeout_graceful_shutdown=2,
                # Benchmarks open many connections; the default backlog would cap bursts.
                backlog=4096,
            )
            server = uvicorn.Server(config)
        except BaseException:
            sock.close()
            raise
        self._server_error = None
        thread = threading.Thread(
            target=self._serve, args=(server, sock), name=f"{self._label}:{port}", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(timeout=_FORCED_STOP_TIMEOUT)
                raise RuntimeError(f"the {self._label} did not start") from self._server_error
            time.sleep(_START_POLL)
        self._port, self._server, self._thread = port, server, thread
        return self

    def stop(self) -> None:
        """Shut the server down; raises what went wrong in its thread. Idempotent."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._before_stop()
        server.should_exit = True
        thread.join(timeout=_STOP_TIMEOUT)
        if thread.is_alive():
            # Only a connection that never finishes holds it up; drop it rather than hang.
            server.force_exit = True
            thread.join(timeout=_FORCED_STOP_TIMEOUT)
        self._server = self._thread = None
        if thread.is_alive():
            raise RuntimeError(f"the {self._label} did not stop")
        if self._server_error is not None:
            raise RuntimeError(f"the {self._label} failed") from self._server_error
        self._after_stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- Server thread -------------------------------------------------------------------

    def _serve(self, server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            asyncio.run(self._main(server, sock))
        except BaseException as exc:
            # Kept for start()/stop() to raise in the test's thread, where it is seen;
            # escaping here it would only be an unhandled-thread-exception warning.
            self._server_error = exc
        finally:
            sock.close()

    async def _main(self, server: uvicorn.Server, sock: socket.socket) -> None:
        await self._on_loop()
        await server.serve(sockets=[sock])
