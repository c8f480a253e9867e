"""The transformers backend: loading any causal LM directory or Hugging Face hub id.

Safety rules (docs/architecture.md, "Models"): weights load from safetensors only, never
`trust_remote_code`, and nothing is downloaded unless the user allowed it. torch and transformers
are imported inside the functions that need them, so importing this module is cheap.

A local plain-Llama directory (the embedded model's cache among them) runs on galcli's own
forward pass (`llama.CompactLlama`) without importing transformers' model code. Any other local
directory loads fast too: the model is built with empty (meta-device) parameters, and the
safetensors files, memory-mapped, are assigned to it as they are, so no weight is initialised
and then overwritten (`load_weights_directly`). Anything those paths do not cover (hub ids,
checkpoints whose names need mapping) goes through `from_pretrained`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli.errors import ModelUnavailable
from galcli.model import quantized
from galcli.model.llama import CompactLlama
from galcli.model.runtime import import_torch, import_transformers, runtime_unavailable
from galcli.model.transformers_backend import TransformersBackend

if TYPE_CHECKING:
    from galcli.model.registry import ModelSpec, Notify
    from galcli.settings import Settings

__all__ = [
    "TransformersBackend",
    "check_local_dir",
    "import_transformers",
    "is_hub_id",
    "load",
    "load_pretrained",
    "resolve_device",
]


def resolve_device(requested: str) -> str:
    torch = import_torch()

    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ModelUnavailable(
            f"--device {requested} was requested but PyTorch sees no CUDA device "
            f"(torch {torch.__version__})",
            hint="use --device cpu (or auto), or install a CUDA build of torch",
        )
    if requested == "mps" and not torch.backends.mps.is_available():
        raise ModelUnavailable(
            "--device mps was requested but it is not available", hint="use --device cpu (or auto)"
        )
    return requested


# -- loading ----------------------------------------------------------------------------------

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def is_hub_id(name: str) -> bool:
    """`org/name` or `name`, and not an existing local path."""
    return bool(_HUB_ID.match(name)) and not Path(name).expanduser().exists()


def check_local_dir(path: Path) -> None:
    """Refuse directories that are not models, or whose weights are pickles."""
    if not path.exists():
        raise ModelUnavailable(
            f"model not found: {path}",
            hint="give a model directory or hub id, or leave out --model for the embedded "
            "default; `galcli models` lists what is available",
        )
    if not path.is_dir() or not (path / "config.json").is_file():
        raise ModelUnavailable(
            f"not a model directory (no config.json): {path}",
            hint="point --model at a directory written by save_pretrained()",
        )
    if not quantized.weight_files(path):
        pickles = [p.name for p in path.glob("*.bin")] + [p.name for p in path.glob("*.pt")]
        if pickles:
            raise ModelUnavailable(
                f"{path} has only pickled weights ({pickles[0]}); galcli loads safetensors only",
                hint="convert it once in a trusted environment: "
                "AutoModelForCausalLM.from_pretrained(DIR).save_pretrained(DIR)",
            )
        raise ModelUnavailable(
            f"no *.safetensors weights in {path}",
            hint="point --model at a directory written by save_pretrained()",
        )


def load_pretrained(
    source: str | Path,
    *,
    model_id: str,
    device: str,
    allow_download: bool,
    weights_digest: str | None = None,
    four_bit: bool = True,
) -> TransformersBackend:
    """Load a tokenizer and causal LM from a directory or (cached/allowed) hub id.

    A local plain-Llama checkpoint runs on galcli's own forward pass (`llama.CompactLlama`),
    which needs neither transformers' model code nor its model; the backend loads that model
    only if something asks for it (beam search)."""
    torch = import_torch()

    device = resolve_device(device)
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    local = Path(source) if Path(source).is_dir() else None

    def load_model() -> Any:
        return _load_model(source, model_id, dtype, device, allow_download)

    transformers = import_transformers()
    started = time.perf_counter()
    if local is not None:
        with _load_errors(str(source), model_id, allow_download):
            compact = CompactLlama.load(local, dtype, device, four_bit=four_bit)
            if compact is not None:
                tokenizer = _local_tokenizer(transformers, local)
        if compact is not None:
            return TransformersBackend(
                tokenizer,
                compact=compact,
                load_model=load_model,
                generation=_generation_fields(local),
                vocab_size=compact.shape.vocab,
                model_id=model_id,
                source=local,
                device=device,
                load_seconds=time.perf_counter() - started,
                weights_digest=weights_digest,
            )
    import_seconds = _import_architecture(transformers, source)
    started = time.perf_counter()
    with _load_errors(str(source), model_id, allow_download):
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            str(source), trust_remote_code=False, local_files_only=not allow_download
        )
    model = load_model()
    return TransformersBackend(
        tokenizer,
        model=model,
        model_id=model_id,
        source=local,
        device=device,
        load_seconds=time.perf_counter() - started,
        import_seconds=import_seconds,
        weights_digest=weights_digest,
    )


#: tokenizer classes that are transformers' generic wrapper of a tokenizer.json
_GENERIC_TOKENIZERS = ("TokenizersBackend", "PreTrainedTokenizerFast")


def _local_tokenizer(transformers: Any, directory: Path) -> Any:
    """The tokenizer of a local checkpoint. Where its tokenizer_config.json names the generic
    class, that class is used directly: `AutoTokenizer` would pick the same one, after a second
    of importing model configuration code."""
    try:
        config = json.loads((directory / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = None
    if isinstance(config, dict) and config.get("tokenizer_class") in _GENERIC_TOKENIZERS:
        from transformers.tokenization_utils_tokenizers import TokenizersBackend

        return TokenizersBackend.from_pretrained(str(directory), local_files_only=True)
    return transformers.AutoTokenizer.from_pretrained(
        str(directory), trust_remote_code=False, local_files_only=True
    )


def _load_model(
    source: str | Path, model_id: str, dtype: Any, device: str, allow_download: bool
) -> Any:
    """transformers' model for `source`, on `device`, in evaluation mode."""
    transformers = import_transformers()
    with _load_errors(str(source), model_id, allow_download):
        model = None
        if Path(source).is_dir():
            model = load_weights_directly(Path(source), dtype)
        if model is None:
            model = transformers.AutoModelForCausalLM.from_pretrained(
                str(source),
                dtype=dtype,
                use_safetensors=True,
                trust_remote_code=False,
                local_files_only=not allow_download,
            )
    model.to(device)
    model.eval()
    return model


@contextlib.contextmanager
def _load_errors(name: str, model_id: str, allow_download: bool) -> Iterator[None]:
    """Loading problems as `ModelUnavailable`, with a hint."""
    try:
        yield
    except ModelUnavailable:
        raise
    except OSError as exc:
        raise _load_error(name, allow_download, exc) from exc
    except Exception as exc:  # corrupt weights, unsupported architectures, bad configs
        raise ModelUnavailable(
            f"cannot load {model_id} as a causal language model: {_first_line(exc)}",
            hint="galcli needs a causal LM in safetensors format "
            "(e.g. OPT/Galactica, Llama, GPT-2)",
        ) from exc


def _generation_fields(directory: Path) -> dict[str, Any]:
    """The checkpoint's generation config as `generate` would read it: generation_config.json,
    or else the model config's fields."""
    for name in ("generation_config.json", "config.json"):
        try:
            fields = json.loads((directory / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(
                f"cannot read {directory / name}: {_first_line(exc)}",
                hint="point --model at a directory written by save_pretrained()",
            ) from exc
        if isinstance(fields, dict):
            return fields
    return {}


def _import_architecture(transformers: Any, source: str | Path) -> float:
    """Import the code of a local model's architecture (transformers loads it lazily), so that
    `load_seconds` measures reading the model, and the import is reported on its own."""
    started = time.perf_counter()
    if Path(source).is_dir():
        try:
            config = transformers.AutoConfig.from_pretrained(str(source), trust_remote_code=False)
            transformers.MODEL_FOR_CAUSAL_LM_MAPPING[type(config)]
        except Exception:  # noqa: S110 - loading reports any problem with the model properly
            pass
    return time.perf_counter() - started


def load_weights_directly(directory: Path, dtype: Any) -> Any | None:
    """Build the model with empty parameters and assign the memory-mapped safetensors to it.

    Returns None (and the caller uses `from_pretrained`) when accelerate is missing or the
    checkpoint's tensor names do not match the model's own: then transformers' key mapping is
    needed. Buffers (rotary tables) are computed normally; tied weights are tied afterwards.
    """
    transformers = import_transformers()
    try:
        from accelerate import init_empty_weights
    except ImportError:
        return None
    try:
        from safetensors.torch import load_file
    except ImportError as exc:
        raise runtime_unavailable("safetensors") from exc

    config = transformers.AutoConfig.from_pretrained(str(directory), trust_remote_code=False)
    with init_empty_weights(include_buffers=False):
        model = transformers.AutoModelForCausalLM.from_config(config, dtype=dtype)
    state: dict[str, Any] = {}
    for path in quantized.weight_files(directory):
        state.update(load_file(path))  # memory-mapped, not copied
    missing, unexpected = model.load_state_dict(state, strict=False, assign=True)
    model.tie_weights()
    if unexpected or any(p.is_meta for p in model.parameters()):
        return None
    del missing  # only tied weights can be missing once no parameter is left on meta
    if any(t.dtype != dtype for t in model.parameters() if t.is_floating_point()):
        model.to(dtype)
    if (directory / "generation_config.json").is_file():
        model.generation_config = transformers.GenerationConfig.from_pretrained(str(directory))
    return model


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _load_error(name: str, allow_download: bool, exc: OSError) -> ModelUnavailable:
    if Path(name).is_dir():  # a local directory whose files transformers cannot read
        return ModelUnavailable(
            f"cannot load the model in {name}: {_first_line(exc)}",
            hint="point --model at a directory written by save_pretrained() "
            "(config.json, tokenizer files, *.safetensors)",
        )
    if not allow_download:
        return ModelUnavailable(
            f"model {name!r} is neither a local directory nor in the local Hugging Face cache",
            hint="pass --allow-download (or set GALCLI_ALLOW_DOWNLOAD=1) to fetch it, "
            "or give a local model directory",
        )
    return ModelUnavailable(
        f"cannot load model {name!r}: {_first_line(exc)}",
        hint="check the hub id, your network and HF_TOKEN for gated models",
    )


def load(spec: ModelSpec, settings: Settings, notify: Notify) -> TransformersBackend:
    name = spec.name
    path = Path(name).expanduser()
    if not is_hub_id(name):
        check_local_dir(path)
        return load_pretrained(
            path,
            model_id=str(path),
            device=settings.device,
            allow_download=False,
            four_bit=settings.four_bit,
        )
    if not settings.allow_download:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    else:
        notify(f"loading {name} (downloading from the Hugging Face hub if needed)")
    return load_pretrained(
        name, model_id=name, device=settings.device, allow_download=settings.allow_download
    )
