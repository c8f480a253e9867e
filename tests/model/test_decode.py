"""galcli's decoding loop against `model.generate`: the same tokens, streamed, fewer calls.

The Llama models (tiny_chat, untrained_chat) decode on galcli's own forward pass
(`llama.CompactLlama`), the OPT one (tiny_galactica) on transformers' model: both are compared
with `generate` on transformers' model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from galcli.model.base import GenerationParams, Prompt
from galcli.model.decode import TransformersStepper, supports
from galcli.model.hf import load_pretrained
from galcli.model.llama import CompactLlama

CASES = {
    "greedy": GenerationParams(max_new_tokens=24, watermark=False),
    "greedy+watermark": GenerationParams(max_new_tokens=24, watermark=True),
    "repetition-penalty": GenerationParams(
        max_new_tokens=24, watermark=False, repetition_penalty=1.3
    ),
    "sampled+watermark": GenerationParams(max_new_tokens=24, temperature=0.8, top_p=0.9, seed=7),
    "sampled-hot": GenerationParams(max_new_tokens=24, temperature=1.5, seed=3, watermark=False),
}


def _both_ways(backend, prompt: Prompt, params: GenerationParams) -> tuple[str, str]:
    backend.use_decoder = True
    loop = backend.generate(prompt, params)
    backend.use_decoder = False
    try:
        reference = backend.generate(prompt, params)
    finally:
        backend.use_decoder = True
    assert loop.new_tokens == reference.new_tokens
    assert loop.finish_reason == reference.finish_reason
    return loop.text, reference.text


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("model", ["tiny_chat", "tiny_galactica", "untrained_chat"])
def test_the_loop_writes_what_generate_writes(case: str, model: str, request) -> None:
    directory: Path = request.getfixturevalue(model)
    backend = load_pretrained(directory, model_id=model, device="cpu", allow_download=False)
    assert backend.use_decoder, "tiny models need nothing the loop leaves to generate"
    prompt = Prompt("What is ethanol?") if "chat" in model else Prompt("The Transformer")
    loop, reference = _both_ways(backend, prompt, CASES[case])
    assert loop == reference
    stepper = backend.decoder.stepper
    if "chat" in model:
        assert isinstance(stepper, CompactLlama), "a plain Llama runs on galcli's forward pass"
    else:
        assert isinstance(stepper, TransformersStepper)
        assert not stepper.static_failed, "the static cache was not used"


def test_the_loop_keeps_streaming_and_stop_strings(tiny_galactica: Path) -> None:
    backend = load_pretrained(tiny_galactica, model_id="g", device="cpu", allow_download=False)
    params = GenerationParams(max_new_tokens=40, watermark=False)
    pieces = list(
        backend.stream(Prompt("The Transformer [START_REF]", stop=("[END_REF]",)), params)
    )
    assert len(pieces) > 2
    assert "".join(pieces) == " Attention Is All You Need, Vaswani "


def test_a_model_with_unsupported_generation_settings_uses_generate(tiny_chat: Path) -> None:
    assert supports({"eos_token_id": 2, "top_k": 50})
    assert not supports({"no_repeat_ngram_size": 3})
    assert not supports({}, encoder_decoder=True)
    config = tiny_chat / "generation_config.json"
    fields = json.loads(config.read_text(encoding="utf-8"))
    backend = load_pretrained(tiny_chat, model_id="c", device="cpu", allow_download=False)
    assert backend.use_decoder
    config.write_text(json.dumps({**fields, "no_repeat_ngram_size": 3}), encoding="utf-8")
    try:
        backend = load_pretrained(tiny_chat, model_id="c", device="cpu", allow_download=False)
        assert not backend.use_decoder
        # `generate` then runs on transformers' model, loaded when first needed.
        params = GenerationParams(max_new_tokens=8)
        result = backend.generate(Prompt("What is ethanol?"), params)
    finally:
        config.write_text(json.dumps(fields), encoding="utf-8")
    assert result.new_tokens and backend.model.generation_config.no_repeat_ngram_size == 3


@pytest.mark.parametrize("model", ["tiny_chat", "tiny_galactica"])
def test_the_loop_makes_one_model_call_per_token(model: str, request, monkeypatch) -> None:
    """No hidden re-encoding of the prompt: a prefill, then one forward pass per new token."""
    directory: Path = request.getfixturevalue(model)
    backend = load_pretrained(directory, model_id=model, device="cpu", allow_download=False)
    stepper = backend.decoder.stepper
    calls: list[int] = []
    original = stepper.logits

    def counting(ids, start, cache):
        calls.append(int(ids.shape[-1]))
        return original(ids, start, cache)

    monkeypatch.setattr(stepper, "logits", counting)
    prompt = Prompt("What is ethanol?") if "chat" in model else Prompt("The Transformer")
    result = backend.generate(prompt, GenerationParams(max_new_tokens=30))
    assert len(calls) == result.new_tokens
    assert calls[0] > 1 and set(calls[1:]) <= {1}


def test_the_cuda_path_dtype_bfloat16_loads_and_decodes_like_generate(
    tiny_chat: Path, monkeypatch
) -> None:
    """No GPU here: the CUDA branch's pieces (device choice, bfloat16 weights, the loop on a
    half-precision model) run on the CPU."""
    import torch

    from galcli.model.hf import load_weights_directly, resolve_device
    from galcli.model.transformers_backend import TransformersBackend

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda" and resolve_device("cuda:0") == "cuda:0"
    monkeypatch.undo()
    model = load_weights_directly(tiny_chat, torch.bfloat16)
    assert model is not None
    assert {p.dtype for p in model.parameters()} == {torch.bfloat16}
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_chat)
    backend = TransformersBackend(
        tokenizer, model=model, model_id="c", source=tiny_chat, device="cpu"
    )
    loop, reference = _both_ways(backend, Prompt("What is ethanol?"), CASES["greedy"])
    assert loop == reference
    compact = CompactLlama.load(tiny_chat, torch.bfloat16, "cpu")
    assert compact is not None and compact.embed.dtype == torch.bfloat16
    backend = TransformersBackend(
        tokenizer,
        compact=compact,
        load_model=lambda: model,
        generation=model.generation_config.to_dict(),
        vocab_size=compact.shape.vocab,
        model_id="c",
        source=tiny_chat,
        device="cpu",
    )
    loop, reference = _both_ways(backend, Prompt("What is ethanol?"), CASES["greedy"])
    assert loop == reference
