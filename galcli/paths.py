"""Where galcli keeps its files: config, model cache and run history (platformdirs defaults).

Each directory can be moved with an environment variable, which the test suite uses to keep the
user's real directories untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "galcli"


def config_dir() -> Path:
    if env := os.environ.get("GALCLI_CONFIG_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    if env := os.environ.get("GALCLI_CONFIG"):
        return Path(env)
    return config_dir() / "galcli.toml"


def cache_dir() -> Path:
    if env := os.environ.get("GALCLI_CACHE_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def data_dir() -> Path:
    if env := os.environ.get("GALCLI_DATA_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))
