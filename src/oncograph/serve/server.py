"""Run the explorer with waitress, a production-grade pure-Python WSGI server, on loopback unless told otherwise."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InputError
from .app import create_app
from .site import Site

#: Request bodies larger than this are refused before they are read (queries are far smaller).
MAX_BODY_BYTES = 4 * 1024 * 1024


def make_server(site: Site, *, host: str = "127.0.0.1", port: int = 8765, threads: int = 8):
    """A waitress server for the explorer over ``site``, bound but not yet serving; ``.effective_port`` says the
    port (useful with ``port=0``)."""
    from waitress import create_server

    try:
        return create_server(create_app(site, host=host), host=host, port=port, threads=threads, ident="oncograph",
                             max_request_body_size=MAX_BODY_BYTES, channel_timeout=60)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another port with "
                         "--port (0 picks a free one)") from None


def check_port(host: str, port: int) -> None:
    """Fail early, before the graph is loaded, if ``host:port`` cannot be listened on."""
    import socket

    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another port with "
                             "--port (0 picks a free one)") from None


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(site: Site, *, host: str = "127.0.0.1", port: int = 8765, threads: int = 8,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted, then stop the query workers. ``on_ready`` gets the URL once the port is bound."""
    server = make_server(site, host=host, port=port, threads=threads)
    try:
        if on_ready is not None:
            on_ready(url_of(host, server.effective_port))
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        site.close()


class ServerProcess:
    """``oncograph serve`` in a child process on a free loopback port, for tests, benchmarks and notebooks.

    >>> with ServerProcess(["--timeout", "5"]) as server:   # doctest: +SKIP
    ...     print(server.url)
    http://127.0.0.1:40123/

    The child is stopped (SIGTERM, then SIGKILL after ``stop_timeout_s``) when the block ends; its query workers
    stop with it.
    """

    def __init__(self, args: list[str] | None = None, *, start_timeout_s: float = 120.0, stop_timeout_s: float = 10.0,
                 cwd=None):
        self.args = list(args or [])
        self.start_timeout_s = start_timeout_s
        self.stop_timeout_s = stop_timeout_s
        self.cwd = cwd
        self.process = None
        self.url = ""
        self.log: list[str] = []

    def start(self) -> ServerProcess:
        import subprocess
        import sys
        import threading

        cmd = [sys.executable, "-c", "from oncograph.cli import run; run()", "serve", "--host", "127.0.0.1",
               "--port", "0", *self.args]
        self.process = subprocess.Popen(cmd, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, bufsize=1)
        found = threading.Event()

        def read():
            for line in self.process.stdout:
                self.log.append(line.rstrip("\n"))
                if not self.url and "explorer on http" in line:
                    self.url = line.split(" on ", 1)[1].split()[0]
                    found.set()
            found.set()

        threading.Thread(target=read, name="oncograph-serve-log", daemon=True).start()
        if not found.wait(self.start_timeout_s) or not self.url:
            self.stop()
            raise RuntimeError("oncograph serve did not start:\n" + "\n".join(self.log[-30:]))
        return self

    def stop(self) -> None:
        import subprocess

        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(self.stop_timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
