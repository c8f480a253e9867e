"""galcli's decoding loop against `model.generate`: the same tokens, streamed, fewer calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from galcli.model.base import GenerationParams, Prompt
from galcli.model.hf import load_pretrained

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
    assert not backend.decoder._static_failed, "the static cache was not used"


def test_the_loop_keeps_streaming_and_stop_strings(tiny_galactica: Path) -> None:
    backend = load_pretrained(tiny_galactica, model_id="g", device="cpu", allow_download=False)
    params = GenerationParams(max_new_tokens=40, watermark=False)
    pieces = list(
        backend.stream(Prompt("The Transformer [START_REF]", stop=("[END_REF]",)), params)
    )
    assert len(pieces) > 2
    assert "".join(pieces) == " Attention Is All You Need, Vaswani "


def test_a_model_with_unsupported_generation_settings_uses_generate(tiny_chat: Path) -> None:
    from galcli.model.decode import supports

    backend = load_pretrained(tiny_chat, model_id="c", device="cpu", allow_download=False)
    assert supports(backend.model)
    backend.model.generation_config.no_repeat_ngram_size = 3
    assert not supports(backend.model)


def test_the_loop_makes_one_model_call_per_token(tiny_chat: Path, monkeypatch) -> None:
    """No hidden re-encoding of the prompt: a prefill, then one forward pass per new token."""
    backend = load_pretrained(tiny_chat, model_id="c", device="cpu", allow_download=False)
    calls: list[int] = []
    original = type(backend.model).forward

    def counting(self, *args, **kwargs):
        calls.append(int(kwargs["input_ids"].shape[-1]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(backend.model), "forward", counting)
    result = backend.generate(Prompt("What is ethanol?"), GenerationParams(max_new_tokens=30))
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
    backend = TransformersBackend(model, tokenizer, model_id="c", source=tiny_chat, device="cpu")
    loop, reference = _both_ways(backend, Prompt("What is ethanol?"), CASES["greedy"])
    assert loop == reference
