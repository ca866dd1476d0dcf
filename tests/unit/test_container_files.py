"""The Dockerfile and compose.yaml stay in step with the project (no registry is reachable here, so the
image is never built in the tests): the image installs the project as ``make install`` does, runs the
``openpromo`` console script with flags ``serve`` has, checks a route the server answers without a key,
and every ``OPENPROMO_*`` variable they set is one the settings read."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import yaml

from openpromo.api import system
from openpromo.config import OPTIONS, VARIABLES

ROOT = Path(__file__).parents[2]


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined, comments left out)."""
    joined = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.partition(" ") for line in lines if line and not line.startswith("#"))
    ]


def _final_stage() -> list[tuple[str, str]]:
    steps = _instructions()
    last = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last:]


def _makefile_install() -> list[str]:
    """The pip steps of ``make install`` (the ``$(STAMP)`` recipe), as words."""
    recipe = re.search(r"^\$\(STAMP\):.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe, "the Makefile's install recipe moved"
    return [line.strip() for line in recipe.group(1).splitlines()]


def _project_spec(words: list[str]) -> str:
    """What a ``pip install`` installs, without extras or the editable flag."""
    targets = [w for w in words[2:] if not w.startswith("-")]
    assert len(targets) == 1, words
    return targets[0].split("[", 1)[0]


def test_the_image_installs_the_project_as_make_install_does() -> None:
    make = [
        shlex.split(line.replace("$(BIN)/", "").replace("$(VENV)", "VENV")) for line in _makefile_install()
    ]
    runs = [shlex.split(rest) for word, rest in _instructions() if word == "RUN"]
    docker = [[w.rsplit("/", 1)[-1] for w in words] for words in runs if "pip" in " ".join(words[:1])]
    # the same steps: a virtual environment, a current pip, then the project from the source tree
    assert [w[:3] for w in make if "venv" in w] == [["$(PYTHON)", "-m", "venv"]]
    assert any(w[:3] == ["python", "-m", "venv"] for w in runs)
    make_pip = [w for w in make if w[:2] == ["pip", "install"]]
    assert next(w for w in docker if w[:2] == ["pip", "install"])[-2:] == ["--upgrade", "pip"]
    assert make_pip[0][-2:] == ["--upgrade", "pip"]
    assert _project_spec(make_pip[-1]) == _project_spec(docker[-1]) == "."
    assert "-e" not in docker[-1], "the image installs the package itself, not a link to the sources"


def test_the_final_stage_runs_openpromo_serve_as_a_user_without_build_tools() -> None:
    final = _final_stage()
    words = [word for word, _ in final]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    entrypoint = json.loads(dict(final)["ENTRYPOINT"])
    command = json.loads(dict(final)["CMD"])
    # the console script pyproject declares, running serve with flags serve has
    assert entrypoint == ["openpromo"] and "openpromo" in scripts
    assert command[0] == "serve"
    assert {w for w in command if w.startswith("--")} <= {option.flag for option in OPTIONS}
    # a user of its own, and nothing installed but the builder's virtual environment
    assert "USER" in words and dict(final)["USER"] not in ("root", "0")
    assert "--from=builder" in dict(final)["COPY"]
    assert not any(word == "RUN" and ("apt-get" in rest or "pip" in rest) for word, rest in final)


def test_the_healthcheck_asks_a_route_served_without_a_key() -> None:
    check = dict(_final_stage())["HEALTHCHECK"]
    assert "curl" not in check and "python" in check
    path = re.search(r"/(\w+)'", check)
    assert path, check
    served = {p for handler in system.ROUTES for p in handler.paths}
    assert f"/{path.group(1)}" in served


def _compose() -> dict[str, object]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_two_workers_on_postgresql_15_once_it_is_healthy() -> None:
    services = _compose()["services"]
    assert isinstance(services, dict)
    app, database = services["openpromo"], services["postgres"]
    assert app["build"] == "." and app["environment"]["OPENPROMO_WORKERS"] == "2"
    assert app["environment"]["OPENPROMO_DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in app["environment"]["OPENPROMO_DATABASE_URL"]
    assert app["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert database["image"] == "postgres:15"
    assert "pg_isready" in " ".join(database["healthcheck"]["test"])
    volume = database["volumes"][0].split(":")[0]
    assert volume in _compose()["volumes"]  # type: ignore[operator]


def test_every_variable_the_files_set_is_a_setting() -> None:
    # given every OPENPROMO_* name the Dockerfile and compose.yaml set
    services = _compose()["services"]
    assert isinstance(services, dict)
    names = {name for service in services.values() for name in service.get("environment", {})}
    env = " ".join(rest for word, rest in _instructions() if word == "ENV")
    names |= set(re.findall(r"(OPENPROMO_\w+)=", env))
    # then each is read by the settings
    assert {n for n in names if n.startswith("OPENPROMO_")} <= set(VARIABLES)
    assert "OPENPROMO_WORKERS" in names and "OPENPROMO_DATABASE_URL" in names
