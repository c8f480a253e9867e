"""Token-by-token decoding for one prompt on a local causal LM: greedy or sampled, streamed.

`model.generate` is built for every case (batches, beams, assisted decoding, a streamer thread)
and pays for that generality on every token. For galcli's case (one sequence, CPU, a few hundred
tokens) this loop does the same arithmetic with fewer Python calls: a key/value cache allocated
once for the whole run, logits for the last position only, the logits processors built once per
backend (the watermark's 1M-entry table included), and the text decoded in the consuming thread,
so no streamer thread competes for the two cores. The forward pass comes from a `Stepper`:
galcli's own Llama (`llama.CompactLlama`) for plain Llama checkpoints such as the embedded
model, the transformers model for every other architecture. bench/generate.py measures the
loop against `generate`.

It reproduces `generate` token for token (tests/model/test_decode.py, with either stepper):
the same processors in the same order (repetition penalty, temperature, top-p, suppressed
tokens, watermark), the same use of the global torch generator after `torch.manual_seed(seed)`.
Models whose generation config asks for anything else fall back to `generate` (`supports`).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Protocol

from galcli.model.base import GenerationParams
from galcli.model.runtime import dtype_name, import_torch, import_transformers

#: generation-config fields that change which token comes next; the loop implements
#: `suppress_tokens` and leaves models that set any of the others to `generate`.
_UNSUPPORTED_FIELDS = (
    "begin_suppress_tokens",
    "bad_words_ids",
    "sequence_bias",
    "forced_bos_token_id",
    "forced_eos_token_id",
    "no_repeat_ngram_size",
    "encoder_no_repeat_ngram_size",
    "min_length",
    "min_new_tokens",
    "exponential_decay_length_penalty",
    "epsilon_cutoff",
    "eta_cutoff",
    "typical_p",
    "min_p",
    "top_h",
    "renormalize_logits",
    "remove_invalid_values",
)


def supports(generation_config: dict[str, Any], *, encoder_decoder: bool = False) -> bool:
    """Whether this loop decodes as `generate` would under `generation_config` (its fields)."""
    for name in _UNSUPPORTED_FIELDS:
        if generation_config.get(name) not in (None, 0, 1.0, False):
            return False
    return not encoder_decoder


@dataclass(frozen=True)
class Defaults:
    """What the checkpoint's configuration says about decoding: where a run ends, which tokens
    never come, sampling's top-k, the vocabulary the watermark partitions."""

    eos_ids: frozenset[int]
    vocab_size: int
    suppress_tokens: tuple[int, ...] = ()
    top_k: int | None = None


class Stepper(Protocol):
    """A model's forward pass as the loop uses it (`llama.CompactLlama`, `TransformersStepper`)."""

    device: Any
    precision: str  # what its products compute with, for provenance

    def cache(self, length: int) -> Any: ...

    def logits(self, ids: Any, start: int, cache: Any) -> Any: ...


class TransformersStepper:
    """A transformers causal LM behind the `Stepper` calls: a static key/value cache where the
    architecture has one, a growing one where it does not."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.device = model.device
        self.precision = dtype_name(model.dtype)
        self.static_failed = False

    def cache(self, length: int) -> list[Any]:
        """A one-item list, so that `logits` can swap a static cache for a growing one."""
        transformers = import_transformers()
        config = self.model.config
        if not self.static_failed:
            return [transformers.StaticCache(config=config, max_cache_len=length)]
        return [transformers.DynamicCache(config=config)]

    def logits(self, ids: Any, start: int, cache: list[Any]) -> Any:
        torch = import_torch()
        position = torch.arange(start, start + int(ids.shape[-1]), device=self.device)
        try:
            output = self.model(
                input_ids=ids,
                position_ids=position.unsqueeze(0),
                cache_position=position,
                cache=cache[0],
                use_cache=True,
                logits_to_keep=1,
            )
        except Exception:
            if start or self.static_failed:
                raise
            # An architecture without static-cache support: use the growing one.
            self.static_failed = True
            cache[:] = self.cache(0)
            return self.logits(ids, start, cache)
        return output.logits[:, -1, :]


@dataclass
class Decoder:
    """Decoding state that outlives one run: processors that are costly to build."""

    stepper: Stepper
    defaults: Defaults
    _watermark: Any = None
    _suppress: Any = None

    def _processors(self, params: GenerationParams) -> list[Any]:
        lp = import_transformers()  # the logits processors are top-level names

        device = self.stepper.device
        processors: list[Any] = []
        if params.repetition_penalty != 1.0:
            processors.append(lp.RepetitionPenaltyLogitsProcessor(params.repetition_penalty))
        if self.defaults.suppress_tokens:
            if self._suppress is None:
                self._suppress = lp.SuppressTokensLogitsProcessor(
                    list(self.defaults.suppress_tokens), device=device
                )
            processors.append(self._suppress)
        if not params.greedy:
            if params.temperature != 1.0:
                processors.append(lp.TemperatureLogitsWarper(params.temperature))
            top_k = 50 if self.defaults.top_k is None else self.defaults.top_k  # generate's
            if top_k:
                processors.append(lp.TopKLogitsWarper(top_k))
            if params.top_p < 1.0:
                processors.append(lp.TopPLogitsWarper(params.top_p))
        if params.watermark:
            if self._watermark is None:
                from galcli.provenance.watermark import watermarking_config

                vocab = self.defaults.vocab_size
                self._watermark = watermarking_config().construct_processor(vocab, device)
            processors.append(self._watermark)
        return processors

    def tokens(
        self, input_ids: Any, params: GenerationParams, run: RunState
    ) -> Generator[int, None, None]:
        """Yield new token ids; stops at an end-of-sequence id (yielded) or the token limit."""
        torch = import_torch()

        stepper = self.stepper
        processors = self._processors(params)
        prompt_length = int(input_ids.shape[-1])
        torch.manual_seed(params.seed)
        # Inference mode is entered per step, never held across a `yield`: the consumer's code
        # between tokens must not run in it, nor leave it out of order when closing early.
        with torch.inference_mode():
            cache = stepper.cache(prompt_length + params.max_new_tokens)
        sequence = step_input = input_ids
        start = 0
        while run.new_tokens < params.max_new_tokens:
            with torch.inference_mode():
                scores = stepper.logits(step_input, start, cache).float()
                start += int(step_input.shape[-1])
                for processor in processors:
                    scores = processor(sequence, scores)
                if params.greedy:
                    chosen = scores.argmax(dim=-1)
                else:
                    chosen = torch.multinomial(scores.softmax(dim=-1), num_samples=1).squeeze(1)
                step_input = chosen.unsqueeze(0)
                sequence = torch.cat([sequence, step_input], dim=-1)
            token = int(chosen[0])
            run.new_tokens += 1
            yield token
            if token in self.defaults.eos_ids:
                run.ended = True
                return


@dataclass
class RunState:
    new_tokens: int = 0
    ended: bool = False  # stopped at an end-of-sequence token


class IncrementalText:
    """Turns a growing list of token ids into text deltas, holding back a broken UTF-8 tail."""

    def __init__(self, tokenizer: Any, *, skip_special_tokens: bool) -> None:
        self.tokenizer = tokenizer
        self.skip_special_tokens = skip_special_tokens
        self.ids: list[int] = []
        self.emitted = 0

    def push(self, token: int) -> str:
        self.ids.append(token)
        text = self.tokenizer.decode(self.ids, skip_special_tokens=self.skip_special_tokens)
        if text.endswith("\ufffd"):
            return ""  # a multi-byte character split across tokens: wait for the rest
        delta, self.emitted = text[self.emitted :], len(text)
        return delta

    def flush(self) -> str:
        text = self.tokenizer.decode(self.ids, skip_special_tokens=self.skip_special_tokens)
        delta, self.emitted = text[self.emitted :], len(text)
        return delta
