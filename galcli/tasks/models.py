"""What models galcli can use here, described from their files without loading any weights."""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from math import prod
from pathlib import Path
from typing import Any

from galcli.errors import GalcliError, ModelUnavailable
from galcli.model import quantized
from galcli.model.base import CHAT
from galcli.model.profiles import profile_of_directory, profile_of_served_model, read_json
from galcli.model.registry import load_backend, parse_model
from galcli.model.runtime import INSTALL_HINT, MISSING_MESSAGE, missing_runtime_packages
from galcli.settings import EMBEDDED_MODEL, Settings, load_settings
from galcli.specs import SPECS

#: Backends that run the model in this process and need the model runtime (torch, transformers).
LOCAL_BACKENDS = ("embedded", "transformers")
NOT_CHECKED = "configured (not checked)"


@dataclass
class ModelInfo:
    name: str
    backend: str
    status: str  # human words: "ready", "converts on first use", "not installed", …
    ready: bool | None  # None: configured but not checked (a server, a script)
    default: bool = False
    path: str | None = None
    profile: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def hf_hub_cache() -> Path:
    if env := os.environ.get("HF_HUB_CACHE"):
        return Path(env)
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "huggingface"
    )
    return Path(home) / "hub"


def _hub_snapshot(repo_dir: Path) -> Path | None:
    """The snapshot a `models--org--name` cache folder's main ref points to, if complete."""
    ref = repo_dir / "refs" / "main"
    snapshots = repo_dir / "snapshots"
    candidates = [snapshots / ref.read_text().strip()] if ref.is_file() else []
    candidates += sorted(snapshots.glob("*")) if snapshots.is_dir() else []
    for snapshot in candidates:
        if (snapshot / "config.json").is_file() and quantized.weight_files(snapshot):
            return snapshot
    return None


def count_parameters(directory: Path) -> int:
    """Sum of tensor sizes from the safetensors headers (no weights are read); a 4-bit copy of
    the weights is not more parameters."""
    total = 0
    for path in quantized.weight_files(directory):
        with path.open("rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(length))
        total += sum(prod(t["shape"]) for name, t in header.items() if name != "__metadata__")
    return total


def describe_directory(name: str, directory: Path, backend: str = "transformers") -> ModelInfo:
    config = read_json(directory / "config.json")
    details = {
        "architecture": (config.get("architectures") or [config.get("model_type", "unknown")])[0],
        "parameters": count_parameters(directory),
        "files": sorted(p.name for p in directory.iterdir() if p.is_file()),
    }
    return ModelInfo(
        name=name,
        backend=backend,
        status="ready",
        ready=True,
        path=str(directory),
        profile=profile_of_directory(directory),
        details=details,
    )


def embedded_info() -> ModelInfo:
    from galcli.model import embedded

    info = ModelInfo(
        name=EMBEDDED_MODEL,
        backend="embedded",
        status="",
        ready=False,
        profile=CHAT,
        details={
            "install": embedded.INSTALL_COMMAND,
            "licence": "Apache-2.0",
            "cache": str(embedded.cache_path()),
        },
    )
    try:
        gguf = embedded.find_gguf()
    except ModelUnavailable:
        info.status = f"not installed: {embedded.INSTALL_COMMAND}"
        return info
    info.details["gguf"] = str(gguf)
    problem = embedded.cache_problem(embedded.cache_path(), gguf)
    if problem is None:
        manifest = embedded.read_manifest(embedded.cache_path()) or {}
        info.status, info.ready, info.path = "ready (cached)", True, str(embedded.cache_path())
        info.details["weights_sha256"] = manifest.get("weights_sha256")
        info.details["parameters"] = count_parameters(embedded.cache_path())
    else:
        # Usable, but not yet: the first run converts it (`galcli models prepare` does it now).
        info.status, info.ready = "installed; converted on first use (~20 s)", False
    return info


def hub_cache_models() -> list[ModelInfo]:
    cache = hf_hub_cache()
    found = []
    for repo_dir in sorted(cache.glob("models--*")) if cache.is_dir() else []:
        snapshot = _hub_snapshot(repo_dir)
        if snapshot is not None:
            hub_id = repo_dir.name.removeprefix("models--").replace("--", "/")
            info = describe_directory(hub_id, snapshot)
            info.status = "ready (Hugging Face cache)"
            found.append(info)
    return found


def note_missing_runtime(models: list[ModelInfo]) -> list[str]:
    """Mark local models unusable when torch/transformers are absent; return what is missing."""
    missing = missing_runtime_packages()
    if missing:
        for model in models:
            if model.backend in LOCAL_BACKENDS:
                model.ready = False
                model.status = f"{MISSING_MESSAGE} ({', '.join(missing)})"
                model.details["missing"] = missing
                model.details["install"] = INSTALL_HINT.removeprefix("install it with: ")
    return missing


def list_models(settings: Settings) -> list[ModelInfo]:
    models = [embedded_info(), *hub_cache_models()]
    default = parse_model(settings.model)
    names = {m.name for m in models}
    if (
        default.scheme == "hf"
        and default.name not in names
        and Path(default.name).expanduser().is_dir()
    ):
        models.append(describe_directory(default.name, Path(default.name).expanduser()))
    elif default.scheme not in ("hf", "embedded"):
        models.append(
            ModelInfo(name=default.text, backend=default.scheme, status=NOT_CHECKED, ready=None)
        )
    for model in models:
        model.default = model.name == (
            EMBEDDED_MODEL if default.scheme == "embedded" else default.text
        )
    note_missing_runtime(models)
    return models


def describe_model(name: str) -> ModelInfo:
    """What the files (or the configuration) say about a model, without loading it."""
    spec = parse_model(name)
    if spec.scheme == "embedded":
        return embedded_info()
    if spec.scheme != "hf":
        info = ModelInfo(name=name, backend=spec.scheme, status=NOT_CHECKED, ready=None)
        if spec.scheme == "openai":  # the server sends no tokenizer: the name decides
            info.profile = profile_of_served_model(spec.name, load_settings().profile)
        return info
    directory = Path(name).expanduser()
    if directory.is_dir():
        from galcli.model.hf import check_local_dir

        check_local_dir(directory)
        return describe_directory(name, directory)
    snapshot = _hub_snapshot(hf_hub_cache() / f"models--{name.replace('/', '--')}")
    if snapshot is None:
        raise ModelUnavailable(
            f"model not found: {name} is neither a directory nor in the "
            f"Hugging Face cache ({hf_hub_cache()})",
            hint="`galcli models` lists the models available here",
        )
    return describe_directory(name, snapshot)


def show_model(name: str, *, check: bool = False) -> ModelInfo:
    """Describe a model; with `check`, load it (or contact its server) and say whether it ran."""
    if not check:
        info = describe_model(name)
        note_missing_runtime([info])
        return info
    try:
        info = describe_model(name)
    except ModelUnavailable as exc:
        info = ModelInfo(name=name, backend=parse_model(name).scheme, status="", ready=False)
        return _unavailable(info, exc)
    try:
        backend = load_backend(load_settings({"model": name}))
    except GalcliError as exc:
        return _unavailable(info, exc)
    try:
        info.status, info.ready = "ready (checked: loaded)", True
        if backend.kind == "openai":
            info.status = "ready (checked: the server serves it)"
        info.profile = backend.profile
        info.details["load_seconds"] = round(backend.load_seconds, 3)
        if backend.precision:
            info.details["precision"] = backend.precision
    finally:
        backend.close()
    return info


def _unavailable(info: ModelInfo, error: GalcliError) -> ModelInfo:
    info.status, info.ready = f"unavailable (checked): {error.message}", False
    if error.hint:
        info.details["hint"] = error.hint
    return info


def prepare_embedded(notify: Callable[[str], None], *, force: bool = False) -> ModelInfo:
    """Convert the embedded model into its safetensors cache now (`galcli models prepare`)."""
    from galcli.model import embedded
    from galcli.model.runtime import runtime_unavailable

    if missing := missing_runtime_packages():  # found without importing them: a sound cache
        raise runtime_unavailable(", ".join(missing))  # needs no transformers
    embedded.prepare(notify, force=force)
    return embedded_info()


@dataclass
class SettingRow:
    name: str
    value: Any
    source: str
    env: str
    help: str


def settings_table(settings: Settings) -> list[SettingRow]:
    return [
        SettingRow(
            spec.name, getattr(settings, spec.name), settings.source(spec.name), spec.env, spec.help
        )
        for spec in SPECS
    ]


def config_file_path() -> Path:
    """Where `galcli.toml` is read from (it may not exist)."""
    from galcli import paths

    return paths.config_file()
