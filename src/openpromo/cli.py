"""``openpromo serve | migrate | users create``: parses flags into Settings and calls the bootstrap."""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence

from openpromo.config import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openpromo", description="OpenPromo promotion engine")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server (applies pending migrations first)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.add_argument("--database-url")
    serve.add_argument("--demo", action="store_true", default=None, help="seed a demo application once")
    migrate = commands.add_parser("migrate", help="apply schema migrations and exit")
    migrate.add_argument("--database-url")
    users = commands.add_parser("users", help="manage Campaign Manager users")
    user_commands = users.add_subparsers(dest="users_command", required=True)
    create = user_commands.add_parser("create", help="create a user who can log in with POST /v1/sessions")
    create.add_argument("--email", required=True)
    create.add_argument("--name", default="")
    create.add_argument("--password-stdin", action="store_true")
    create.add_argument("--database-url")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env(
        database_url=args.database_url,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
        demo=getattr(args, "demo", None),
    )
    if args.command == "migrate":
        from openpromo.bootstrap import migrate

        migrate(settings)
        print("migrations applied")
        return 0
    if args.command == "users":
        return _create_user(settings, args.email, args.name, args.password_stdin)
    return _serve(settings)


def _create_user(settings: Settings, email: str, name: str, from_stdin: bool) -> int:
    from openpromo.bootstrap import build_services, prepare
    from openpromo.storage.database import Database

    prepare(settings)
    password = sys.stdin.readline().rstrip("\n") if from_stdin else getpass.getpass("Password: ")
    database = Database(settings.database_url, pool_size=1)
    try:
        user_id = build_services(database).auth.create_user(email, password, name=name)
    finally:
        database.dispose()
    print(f"user {user_id} created: {email}")
    return 0


def _serve(settings: Settings) -> int:
    import uvicorn

    from openpromo import logs, workers
    from openpromo.bootstrap import prepare

    logs.install(settings.log_level, settings.log_format)
    prepared = prepare(settings)
    if prepared.generated_root_key:
        print("Generated the root management key (shown once; set OPENPROMO_MANAGEMENT_KEY to choose it):")
        print(f"  OPENPROMO_MANAGEMENT_KEY={prepared.generated_root_key}")
    if settings.demo:
        from openpromo.bootstrap import seed_demo

        seed_demo(settings)
    os.environ["OPENPROMO_DATABASE_URL"] = settings.database_url
    os.environ["OPENPROMO_WORKERS"] = str(settings.workers)  # the workers' settings follow the flags
    metrics_dir = None
    if settings.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="openpromo-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    print(f"OpenPromo listening on http://{settings.host}:{settings.port}", flush=True)
    try:
        workers.run(
            uvicorn.Config(
                "openpromo.bootstrap:app_from_env",
                factory=True,
                host=settings.host,
                port=settings.port,
                workers=settings.workers,
                log_config=None,  # uvicorn's loggers go to ours (``logs.install``)
                log_level=settings.log_level,
                access_log=False,
            ),
            own_sockets=prepared.threads > 0,
        )
    finally:
        if metrics_dir is not None:  # the workers' metric files die with the server
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


__all__ = ["main"]
