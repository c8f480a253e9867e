"""The transformers backend: any causal LM directory or Hugging Face hub id.

Safety rules (DESIGN.md §4): weights load from safetensors only, never `trust_remote_code`, and
nothing is downloaded unless the user allowed it. torch and transformers are imported inside the
functions that need them, so importing this module is cheap.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli.errors import ModelUnavailable
from galcli.model.base import (
    CHAT,
    GALACTICA,
    Backend,
    Generation,
    GenerationParams,
    Prompt,
    TokenStream,
    cut_at_stops,
)
from galcli.model.digest import files_sha256

if TYPE_CHECKING:
    from galcli.model.registry import ModelSpec, Notify
    from galcli.settings import Settings

GALACTICA_MARKERS = ("[START_REF]", "[END_REF]", "[START_I_SMILES]", "<work>")


def import_transformers(debug: bool = False) -> Any:
    """Import transformers with its progress bars and advisory warnings silenced.

    galcli prints its own progress; transformers' tqdm bars and hints about generation flags
    would otherwise land on the user's stderr on every run.
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import transformers

    transformers.utils.logging.disable_progress_bar()
    if not debug and not os.environ.get("GALCLI_DEBUG"):
        transformers.utils.logging.set_verbosity_error()
        import warnings

        warnings.filterwarnings("ignore", module=r"transformers\..*")
        warnings.filterwarnings("ignore", module=r"torch\..*")
    return transformers


def detect_profile(tokenizer: Any) -> str:
    """Galactica checkpoints have Galactica's markers in the vocabulary; instruction models have
    a chat template; any other base model gets raw text prompts (the Galactica dialect)."""
    vocab = tokenizer.get_vocab()
    if all(marker in vocab for marker in GALACTICA_MARKERS):
        return GALACTICA
    if getattr(tokenizer, "chat_template", None):
        return CHAT
    return GALACTICA


def resolve_device(requested: str) -> str:
    import torch

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


class TransformersBackend(Backend):
    kind = "transformers"

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        model_id: str,
        source: Path | None,
        device: str,
        load_seconds: float = 0.0,
        weights_digest: str | None = None,
    ) -> None:
        super().__init__(
            model_id=model_id, profile=detect_profile(tokenizer), load_seconds=load_seconds
        )
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.source = source
        self._digest = weights_digest
        self._lock = threading.Lock()

    @property
    def watermark_supported(self) -> bool:
        return True

    def weights_sha256(self) -> str | None:
        if self._digest is None and self.source is not None:
            self._digest = files_sha256(sorted(self.source.glob("*.safetensors")))
        return self._digest

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    # -- prompt -> tensors ------------------------------------------------------------------

    def encode(self, prompt: Prompt) -> dict[str, Any]:
        if self.profile == CHAT:
            messages = [{"role": m.role, "content": m.content} for m in prompt.chat_messages()]
            text = self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, tokenize=False
            )
            encoded = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)
        else:
            encoded = self.tokenizer(prompt.raw, return_tensors="pt")
        return {
            key: value.to(self.model.device)
            for key, value in encoded.items()
            if key in ("input_ids", "attention_mask")
        }

    def stop_strings(self, prompt: Prompt) -> tuple[str, ...]:
        # The Galactica profile decodes special tokens (to keep [END_REF] and friends), so the
        # end-of-sequence and padding strings must be cut from the text as well.
        extra = ()
        if self.profile == GALACTICA:
            extra = tuple(t for t in (self.tokenizer.eos_token, self.tokenizer.pad_token) if t)
        return (*prompt.stop, *extra)

    def generation_kwargs(self, params: GenerationParams) -> dict[str, Any]:
        tokenizer = self.tokenizer
        pad = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        )
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_new_tokens,
            "pad_token_id": pad,
            "do_sample": not params.greedy,
        }
        if params.greedy:
            # Explicitly neutral values, so a checkpoint's sampling defaults don't leak in.
            kwargs.update(temperature=None, top_p=None, top_k=None)
        else:
            kwargs.update(temperature=params.temperature, top_p=params.top_p)
        if params.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = params.repetition_penalty
        if params.watermark:
            from galcli.provenance.watermark import watermarking_config

            kwargs["watermarking_config"] = watermarking_config()
        return kwargs

    # -- generation -------------------------------------------------------------------------

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        transformers = import_transformers()
        import torch

        inputs = self.encode(prompt)
        streamer = transformers.TextIteratorStreamer(
            self.tokenizer, skip_prompt=True, skip_special_tokens=self.profile == CHAT
        )
        cancel = threading.Event()
        criteria = transformers.StoppingCriteriaList([_CancelCriterion(cancel)])
        outcome: dict[str, Any] = {}
        kwargs = {
            **inputs,
            **self.generation_kwargs(params),
            "streamer": streamer,
            "stopping_criteria": criteria,
        }
        prompt_length = inputs["input_ids"].shape[-1]

        def work() -> None:
            try:
                torch.manual_seed(params.seed)
                with torch.inference_mode():
                    outcome["ids"] = self.model.generate(**kwargs)
            except BaseException as exc:  # re-raised in the consuming thread
                outcome["error"] = exc
                streamer.end()

        result = TokenStream(iter(()))

        def deltas() -> Iterator[str]:
            self._lock.acquire()
            thread = threading.Thread(target=work, name="galcli-generate", daemon=True)
            thread.start()
            try:
                for text in streamer:
                    if "error" in outcome:
                        break
                    if text:
                        yield text
            finally:
                # Also reached when the consumer stops early (a stop string, Ctrl-C).
                cancel.set()
                thread.join()
                self._lock.release()
                if "ids" in outcome:
                    ids = outcome["ids"][0][prompt_length:]
                    result.new_tokens = int(ids.shape[-1])
                    ended = result.new_tokens and int(ids[-1]) in _eos_ids(
                        self.model, self.tokenizer
                    )
                    if result.new_tokens >= params.max_new_tokens and not ended:
                        result.finish_reason = "length"
            if "error" in outcome:
                raise outcome["error"]

        result.deltas = cut_at_stops(deltas(), self.stop_strings(prompt))
        return result

    def sample(
        self, prompt: Prompt, params: GenerationParams, n: int, on_text: Any = None
    ) -> list[Generation]:
        """With greedy settings, `n` beams (ranked by the model's own score); otherwise `n`
        seeded samples."""
        if params.greedy and n > 1:
            return self._beams(prompt, params, n)
        return super().sample(prompt, params, n, on_text)

    def _beams(self, prompt: Prompt, params: GenerationParams, n: int) -> list[Generation]:
        import_transformers()
        import torch

        inputs = self.encode(prompt)
        kwargs = self.generation_kwargs(params)
        kwargs.pop("watermarking_config", None)  # beams are scored, not watermarked text
        started = time.perf_counter()
        with torch.inference_mode():
            output = self.model.generate(
                **inputs,
                **kwargs,
                num_beams=n,
                num_return_sequences=n,
                return_dict_in_generate=True,
                output_scores=True,
                early_stopping=True,
            )
        seconds = time.perf_counter() - started
        prompt_length = inputs["input_ids"].shape[-1]
        stops = self.stop_strings(prompt)
        generations = []
        for index, sequence in enumerate(output.sequences):
            ids = sequence[prompt_length:]
            text = self.tokenizer.decode(ids, skip_special_tokens=self.profile == CHAT)
            text = "".join(cut_at_stops([text], stops))
            score = (
                float(output.sequences_scores[index])
                if output.sequences_scores is not None
                else None
            )
            generations.append(
                Generation(
                    text=text, new_tokens=int(ids.shape[-1]), seconds=seconds / n, score=score
                )
            )
        return generations


def _eos_ids(model: Any, tokenizer: Any) -> set[int]:
    ids = model.generation_config.eos_token_id
    found = set(ids) if isinstance(ids, list) else ({ids} if ids is not None else set())
    if tokenizer.eos_token_id is not None:
        found.add(tokenizer.eos_token_id)
    return found


class _CancelCriterion:
    """Stops generation once the consumer is gone (stop string found, Ctrl-C, closed pipe)."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        return torch.full(
            (input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device
        )


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
    if not any(path.glob("*.safetensors")):
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
) -> TransformersBackend:
    """Load a tokenizer and causal LM from a directory or (cached/allowed) hub id."""
    transformers = import_transformers()
    import torch

    started = time.perf_counter()
    device = resolve_device(device)
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    common = {"trust_remote_code": False, "local_files_only": not allow_download}
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(source), **common)
        model = transformers.AutoModelForCausalLM.from_pretrained(
            str(source), dtype=dtype, use_safetensors=True, **common
        )
    except OSError as exc:
        raise _load_error(str(source), allow_download, exc) from exc
    except Exception as exc:  # corrupt weights, unsupported architectures, bad configs
        raise ModelUnavailable(
            f"cannot load {model_id} as a causal language model: {_first_line(exc)}",
            hint="galcli needs a causal LM in safetensors format "
            "(e.g. OPT/Galactica, Llama, GPT-2)",
        ) from exc
    model.to(device)
    model.eval()
    local = Path(source) if Path(source).is_dir() else None
    return TransformersBackend(
        model,
        tokenizer,
        model_id=model_id,
        source=local,
        device=device,
        load_seconds=time.perf_counter() - started,
        weights_digest=weights_digest,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _load_error(name: str, allow_download: bool, exc: OSError) -> ModelUnavailable:
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
            path, model_id=str(path), device=settings.device, allow_download=False
        )
    if not settings.allow_download:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    else:
        notify(f"loading {name} (downloading from the Hugging Face hub if needed)")
    return load_pretrained(
        name, model_id=name, device=settings.device, allow_download=settings.allow_download
    )
