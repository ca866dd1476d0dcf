"""OpenPromo: a self-hosted promotion engine that speaks Talon.One's Integration API."""

__version__ = "0.1.0"
__all__ = ["__version__"]
