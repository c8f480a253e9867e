"""Where galcli keeps its files: config, model cache and run history (platformdirs defaults).

Each directory can be moved with an environment variable, which the test suite uses to keep the
user's real directories untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "galcli"


def _user_dir(variable: str, kind: str) -> Path:
    """`$variable` if set, else platformdirs' user directory of this `kind` for galcli."""
    if env := os.environ.get(variable):
        return Path(env)
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME))


def config_dir() -> Path:
    return _user_dir("GALCLI_CONFIG_DIR", "config")


def config_file() -> Path:
    if env := os.environ.get("GALCLI_CONFIG"):
        return Path(env)
    return config_dir() / "galcli.toml"


def cache_dir() -> Path:
    return _user_dir("GALCLI_CACHE_DIR", "cache")


def data_dir() -> Path:
    return _user_dir("GALCLI_DATA_DIR", "data")
