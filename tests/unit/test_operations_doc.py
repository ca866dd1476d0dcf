"""docs/operations.md lists every metric OpenPromo publishes (``openpromo.metrics``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import Counter
from prometheus_client.metrics import MetricWrapperBase

from openpromo import metrics

DOC = (Path(__file__).parents[2] / "docs" / "operations.md").read_text()


def _names() -> list[str]:
    names = []
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            [family] = value.describe()
            names.append(family.name + ("_total" if isinstance(value, Counter) else ""))
    return sorted(names)


def test_there_are_metrics_to_check() -> None:
    assert "openpromo_requests_total" in _names() and len(_names()) >= 19


@pytest.mark.parametrize("name", _names())
def test_every_metric_is_documented(name: str) -> None:
    assert f"| `{name}` |" in DOC, f"{name} is missing from the metrics table of docs/operations.md"
