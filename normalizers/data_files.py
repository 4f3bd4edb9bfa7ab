"""The rule files shipped inside the packages (``<package>/data/*.yaml``), read as data."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def load_rules(package: str, name: str) -> Any:
    """The parsed YAML file ``<package>/data/<name>`` (works from a wheel as well as a checkout)."""
    return yaml.safe_load(resources.files(package).joinpath("data", name).read_text(encoding="utf-8"))
