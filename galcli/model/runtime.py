"""The model runtime (torch, transformers): imported in one place, and only when a model runs.

A core install (`pip install galcli`) has neither; every model command then ends with exit 4,
one line that says the runtime is missing, and the command that installs it — never an
ImportError or a traceback (docs/architecture.md, "Install extras").
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from galcli.errors import ModelUnavailable

#: What `pip install "galcli[model]"` adds and a local model needs at run time.
RUNTIME_PACKAGES = ("torch", "transformers", "safetensors", "tokenizers")
INSTALL_HINT = 'install it with: pip install "galcli[model]"'
MISSING_MESSAGE = "the model runtime is not installed"


def runtime_unavailable(missing: str | None = None) -> ModelUnavailable:
    detail = f" ({missing} is missing)" if missing else ""
    return ModelUnavailable(f"{MISSING_MESSAGE}{detail}", hint=INSTALL_HINT)


def missing_runtime_packages() -> list[str]:
    """Which runtime packages are absent, found without importing any of them."""
    missing = []
    for name in RUNTIME_PACKAGES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken or blocked package counts as missing
            found = False
        if not found:
            missing.append(name)
    return missing


def import_torch() -> Any:
    # OpenMP worker threads that spin while waiting for work starve every other process on a
    # busy machine, and each other when there are more runnable threads than cores: on the
    # shared 2-core machine, greedy decoding ran at 0.24-0.31 tokens/s with the default policy
    # and 3.6-6.0 with passive waiting (bench/generate.py). Read once, when torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import torch
    except ImportError as exc:
        raise runtime_unavailable("torch") from exc
    return torch


def import_transformers(debug: bool = False) -> Any:
    """Import transformers (and torch) with progress bars and advisory warnings silenced.

    galcli prints its own progress; transformers' tqdm bars and hints about generation flags
    would otherwise land on the user's stderr on every run.
    """
    import_torch()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import transformers
    except ImportError as exc:
        raise runtime_unavailable("transformers") from exc

    transformers.utils.logging.disable_progress_bar()
    if not debug and not os.environ.get("GALCLI_DEBUG"):
        transformers.utils.logging.set_verbosity_error()
        import warnings

        warnings.filterwarnings("ignore", module=r"transformers\..*")
        warnings.filterwarnings("ignore", module=r"torch\..*")
    return transformers


def dtype_name(dtype: Any) -> str:
    """A torch dtype as provenance and `models show` print it: "float32", "bfloat16"."""
    return str(dtype).removeprefix("torch.")
