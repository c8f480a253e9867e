"""The transformers backend's loaded model: prompt encoding, streamed decoding, beams.

Single-sequence runs go through galcli's own decoding loop (`galcli.model.decode`), which
reproduces `model.generate` token for token with fewer Python calls and no streamer thread; on a
plain Llama checkpoint its forward pass is galcli's own (`galcli.model.llama`), which also
scores text, and transformers' model is loaded only when something needs it: beams, or a
generation config that asks for what the loop does not implement (`model.generate`). torch and
transformers are imported inside the methods that need them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from galcli.model import quantized
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
from galcli.model.decode import (
    Decoder,
    Defaults,
    IncrementalText,
    RunState,
    Stepper,
    TransformersStepper,
    supports,
)
from galcli.model.digest import files_sha256
from galcli.model.llama import CompactLlama
from galcli.model.profiles import profile_of_tokenizer
from galcli.model.runtime import dtype_name, import_torch, import_transformers

#: continuations scored in one forward pass
_SCORING_BATCH = 16


class TransformersBackend(Backend):
    kind = "transformers"
    scores_text = True

    def __init__(
        self,
        tokenizer: Any,
        *,
        model: Any = None,
        compact: Stepper | None = None,
        load_model: Callable[[], Any] | None = None,
        generation: dict[str, Any] | None = None,
        vocab_size: int | None = None,
        model_id: str,
        source: Path | None,
        device: str,
        load_seconds: float = 0.0,
        import_seconds: float = 0.0,
        weights_digest: str | None = None,
    ) -> None:
        """Either `model` (transformers' model, loaded) or `compact` (galcli's own forward pass)
        with `load_model` (transformers' model, for what the compact one does not do),
        `generation` (the checkpoint's generation config) and `vocab_size`."""
        super().__init__(
            model_id=model_id, profile=profile_of_tokenizer(tokenizer), load_seconds=load_seconds
        )
        if model is not None:
            generation = model.generation_config.to_dict()
            vocab_size = model.config.get_text_config().vocab_size
            encoder_decoder = bool(getattr(model.config, "is_encoder_decoder", False))
        elif compact is None or load_model is None or generation is None or vocab_size is None:
            raise ValueError("give a model, or a compact stepper with what it needs")
        else:
            encoder_decoder = False
        self._model = model
        self._load_model = load_model
        self.tokenizer = tokenizer
        self.device = device
        self.source = source
        self._digest = weights_digest
        self.import_seconds = import_seconds
        self._lock = threading.Lock()
        stepper = compact if compact is not None else TransformersStepper(model)
        self.decoder = Decoder(stepper, _defaults(generation, vocab_size, tokenizer))
        #: False sends every run through `model.generate` (bench/generate.py compares the two).
        self.use_decoder = supports(generation, encoder_decoder=encoder_decoder)

    @property
    def model(self) -> Any:
        """transformers' model; where decoding runs on the compact Llama, it is loaded on first
        use (beam search, `generate`)."""
        if self._model is None:
            assert self._load_model is not None
            self._model = self._load_model()
        return self._model

    @property
    def precision(self) -> str | None:
        """What a plain run decodes with: galcli's stepper, or transformers' model where runs go
        through `generate`. (Beam search always runs on transformers' model.)"""
        if self.use_decoder:
            return self.decoder.stepper.precision
        return self._model_precision()

    def _model_precision(self) -> str:
        return dtype_name(self.model.dtype)

    @property
    def watermark_supported(self) -> bool:
        return True

    def weights_sha256(self) -> str | None:
        if self._digest is None and self.source is not None:
            self._digest = files_sha256(quantized.weight_files(self.source))
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
            key: value.to(self.device)
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
        if self.use_decoder:
            return self._stream_with_decoder(prompt, params)
        return self._stream_with_generate(prompt, params)

    def _stream_with_decoder(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        result = TokenStream(iter(()))

        self.watermark_record.append(params.watermark)
        self.precision_record.append(self.decoder.stepper.precision)

        def deltas() -> Iterator[str]:
            with self._lock:
                input_ids = self.encode(prompt)["input_ids"]
                run = RunState()
                text = IncrementalText(self.tokenizer, skip_special_tokens=self.profile == CHAT)
                tokens = self.decoder.tokens(input_ids, params, run)
                try:
                    for token in tokens:
                        if delta := text.push(token):
                            yield delta
                    if tail := text.flush():
                        yield tail
                finally:
                    # Also reached when the consumer stops early (a stop string, Ctrl-C).
                    tokens.close()
                    result.new_tokens = run.new_tokens
                    if run.new_tokens >= params.max_new_tokens and not run.ended:
                        result.finish_reason = "length"

        result.deltas = cut_at_stops(deltas(), self.stop_strings(prompt))
        return result

    def _stream_with_generate(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        transformers = import_transformers()
        torch = import_torch()

        self.watermark_record.append(params.watermark)
        self.precision_record.append(self._model_precision())
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
                    ended = result.new_tokens and int(ids[-1]) in self.decoder.defaults.eos_ids
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
        torch = import_torch()

        inputs = self.encode(prompt)
        kwargs = self.generation_kwargs(params)
        kwargs.pop("watermarking_config", None)  # beams are scored, not watermarked text
        self.watermark_record.append(False)
        self.precision_record.append(self._model_precision())
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

    def log_likelihoods(self, prefix: str, continuations: Sequence[str]) -> list[float]:
        """Sum of log P(continuation tokens | prefix) for each continuation: on galcli's own
        Llama where decoding runs on it, otherwise in batches on transformers' model."""
        if not continuations:
            return []
        torch = import_torch()
        tokenizer = self.tokenizer
        prefix_ids = tokenizer(prefix, add_special_tokens=True)["input_ids"]
        stepper = self.decoder.stepper
        if isinstance(stepper, CompactLlama) and prefix_ids:
            tails = [tokenizer(c, add_special_tokens=False)["input_ids"] for c in continuations]
            with torch.inference_mode():
                return stepper.log_likelihoods(prefix_ids, tails)
        model = self.model
        pad = tokenizer.pad_token_id
        if pad is None:
            pad = tokenizer.eos_token_id or 0
        results: list[float] = []
        with torch.inference_mode():
            for start in range(0, len(continuations), _SCORING_BATCH):
                chunk = continuations[start : start + _SCORING_BATCH]
                tails = [tokenizer(c, add_special_tokens=False)["input_ids"] for c in chunk]
                rows = [prefix_ids + tail for tail in tails]
                width = max(len(r) for r in rows)
                ids = torch.full((len(rows), width), pad, dtype=torch.long)
                mask = torch.zeros((len(rows), width), dtype=torch.long)
                for i, row in enumerate(rows):
                    ids[i, : len(row)] = torch.tensor(row)
                    mask[i, : len(row)] = 1
                ids, mask = ids.to(self.device), mask.to(self.device)
                logits = model(input_ids=ids, attention_mask=mask).logits.float()
                logprobs = torch.log_softmax(logits[:, :-1], dim=-1)
                picked = logprobs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
                for i, tail in enumerate(tails):
                    begin = len(prefix_ids) - 1  # the position predicting the first tail token
                    results.append(float(picked[i, begin : begin + len(tail)].sum()))
        return results


def _defaults(generation: dict[str, Any], vocab_size: int, tokenizer: Any) -> Defaults:
    ids = generation.get("eos_token_id")
    eos = set(ids) if isinstance(ids, list) else ({ids} if ids is not None else set())
    if tokenizer.eos_token_id is not None:
        eos.add(tokenizer.eos_token_id)
    return Defaults(
        eos_ids=frozenset(eos),
        vocab_size=vocab_size,
        suppress_tokens=tuple(generation.get("suppress_tokens") or ()),
        top_k=generation.get("top_k"),
    )


class _CancelCriterion:
    """Stops generation once the consumer is gone (stop string found, Ctrl-C, closed pipe)."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        torch = import_torch()

        return torch.full(
            (input_ids.shape[0],), self.event.is_set(), dtype=torch.bool, device=input_ids.device
        )
