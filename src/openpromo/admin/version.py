"""The installed version, from the package's metadata (what ``pip`` installed)."""

from __future__ import annotations

from importlib import metadata

from openpromo import __version__


def version() -> str:
    try:
        return metadata.version("openpromo")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return __version__


__all__ = ["version"]
