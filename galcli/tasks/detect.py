"""`galcli detect`: does a text carry galcli's watermark?

The text is tokenized with the generating model's tokenizer and scored by transformers'
WatermarkDetector with galcli's public key (`galcli.provenance.watermark`): the share of
"green" tokens is compared with chance as a z-score. Only the tokenizer and the model's config
are loaded, never the weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from galcli.errors import ExitCode, InputError, ModelUnavailable
from galcli.provenance import watermark

if TYPE_CHECKING:
    from galcli.settings import Settings

WATERMARKED, NOT_WATERMARKED, TOO_SHORT = "watermarked", "not watermarked", "too short to tell"
#: The z-score from which `galcli detect` calls a text watermarked (see bench/watermark.py).
DEFAULT_THRESHOLD = watermark.Z_THRESHOLD


@dataclass(frozen=True)
class DetectResult:
    z_score: float | None
    p_value: float | None
    tokens: int  # tokens scored
    verdict: str
    threshold: float
    min_tokens: int
    model: str

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.verdict == WATERMARKED else ExitCode.FINDINGS

    def to_dict(self) -> dict[str, Any]:
        return {
            "z_score": None if self.z_score is None else round(self.z_score, 3),
            "p_value": self.p_value,
            "tokens": self.tokens,
            "verdict": self.verdict,
            "threshold": self.threshold,
            "min_tokens": self.min_tokens,
            "model": self.model,
            "watermark": {
                "scheme": watermark.SEEDING_SCHEME,
                "greenlist_ratio": watermark.GREENLIST_RATIO,
                "hashing_key": watermark.HASHING_KEY,
            },
        }


def tokenizer_source(settings: Settings) -> tuple[str, str]:
    """(directory or hub id, display name) holding the tokenizer and config of `settings.model`."""
    from galcli.model.registry import parse_model

    spec = parse_model(settings.model)
    if spec.scheme == "embedded":
        from galcli.model import embedded

        directory, _ = embedded.prepare(lambda message: None)
        return str(directory), spec.name
    if spec.scheme == "hf":
        from pathlib import Path

        from galcli.model.hf import check_local_dir, is_hub_id

        if not is_hub_id(spec.name):
            check_local_dir(Path(spec.name).expanduser())
        return spec.name, spec.name
    raise ModelUnavailable(
        f"the {spec.scheme} backend does not watermark its output, so there is nothing to detect",
        hint="galcli watermarks text only when it runs a transformers model locally; "
        "name that model with -m",
    )


class WatermarkScorer:
    """The tokenizer, config and detector for one model, loaded once for many texts."""

    def __init__(
        self,
        settings: Settings,
        *,
        threshold: float = watermark.Z_THRESHOLD,
        min_tokens: int = watermark.MIN_TOKENS,
    ) -> None:
        from galcli.model.runtime import import_transformers

        transformers = import_transformers()  # before any conversion of the embedded model
        source, self.name = tokenizer_source(settings)
        offline = {"local_files_only": not settings.allow_download, "trust_remote_code": False}
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(source, **offline)
            config = transformers.AutoConfig.from_pretrained(source, **offline)
        except OSError as exc:
            raise ModelUnavailable(
                f"cannot load the tokenizer of {self.name}: {str(exc).splitlines()[0]}",
                hint="pass --allow-download for a hub id, or a local model directory",
            ) from exc
        if getattr(config, "bos_token_id", None) is None:
            config.bos_token_id = -1  # the detector compares ids with it; None breaks that
        self.detector = transformers.WatermarkDetector(
            model_config=config, device="cpu", watermarking_config=watermark.watermarking_config()
        )
        self.threshold = threshold
        self.min_tokens = min_tokens

    def score(self, text: str) -> DetectResult:
        from galcli.model.runtime import import_torch

        torch = import_torch()

        if not text.strip():
            raise InputError("the text is empty", hint="give the generated text to check")
        ids = self.tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]
        scored = max(0, int(ids.shape[-1]) - watermark.CONTEXT_WIDTH)
        if scored < self.min_tokens:
            return DetectResult(
                None, None, scored, TOO_SHORT, self.threshold, self.min_tokens, self.name
            )
        with torch.inference_mode():
            output = self.detector(ids, z_threshold=self.threshold, return_dict=True)
        z_score = float(output.z_score[0])
        verdict = WATERMARKED if z_score >= self.threshold else NOT_WATERMARKED
        return DetectResult(
            z_score,
            float(output.p_value[0]),
            int(output.num_tokens_scored[0]),
            verdict,
            self.threshold,
            self.min_tokens,
            self.name,
        )
