"""``openpromo serve`` and ``openpromo migrate``."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import tempfile

from openpromo.admin.context import report_root_key
from openpromo.admin.failures import Failed
from openpromo.admin.flags import Commands, add_database, add_settings
from openpromo.config import Settings

SERVE = """Run the HTTP server. Pending migrations are applied first. Every flag has an OPENPROMO_* variable;
a flag wins over its variable."""


def add_commands(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="run the HTTP server", description=SERVE)
    add_settings(serve)
    serve.add_argument(
        "--demo", action="store_true", default=None, help="seed a demo application once (default: off)"
    )
    serve.set_defaults(run=run_serve)
    migrate = commands.add_parser(
        "migrate", help="apply pending schema migrations and exit", description="Apply pending migrations."
    )
    add_database(migrate)
    migrate.set_defaults(run=run_migrate)


def run_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from openpromo.bootstrap import migrate

    migrate(settings)
    print("migrations applied")
    return 0


def check_port(host: str, port: int) -> None:
    """Fail (exit status 1) unless ``host:port`` can be listened on, before anything says it listens."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise Failed(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def run_serve(settings: Settings, _args: argparse.Namespace) -> int:
    import uvicorn

    from openpromo import logs, workers
    from openpromo.bootstrap import prepare, seed_demo
    from openpromo.metrics import worker_died

    check_port(settings.host, settings.port)
    logs.install(settings.log_level, settings.log_format)
    prepared = prepare(settings)
    report_root_key(prepared.generated_root_key)
    if settings.demo:
        seed_demo(settings)
    os.environ.update(settings.to_env())  # the workers read their settings from the environment
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
            died=worker_died,
        )
    finally:
        if metrics_dir is not None:  # the workers' metric files die with the server
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


__all__ = ["add_commands", "check_port", "run_migrate", "run_serve"]
