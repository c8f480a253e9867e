"""4-bit weights: kept from a Q4_1 GGUF at cache build, multiplied by torch's int4 CPU kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from galcli.model import embedded, quantized
from galcli.model.base import GenerationParams, Prompt
from galcli.model.llama import CompactLlama
from galcli.provenance.stamp import provenance_for
from galcli.settings import Settings
from galcli.tasks.models import count_parameters

torch = pytest.importorskip("torch")
gguf = pytest.importorskip("gguf")
safetensors_torch = pytest.importorskip("safetensors.torch")

needs_kernel = pytest.mark.skipif(
    not quantized.supported("cpu", torch.float32), reason="this torch has no int4 CPU kernel"
)


def _random_q4(rows: int, columns: int, seed: int = 0) -> dict[str, object]:
    generator = torch.Generator().manual_seed(seed)
    q = torch.randint(0, 16, (rows, columns), generator=generator, dtype=torch.uint8)
    blocks = columns // quantized.BLOCK
    return {
        "w.nibbles": q[:, 0::2] | (q[:, 1::2] << 4),
        "w.scales": (torch.rand(rows, blocks, generator=generator) * 0.02).half(),
        "w.mins": (-torch.rand(rows, blocks, generator=generator) * 0.15).half(),
        "values": q,
    }


def test_dequantize_is_d_times_q_plus_m_in_the_stored_nibble_order() -> None:
    held = _random_q4(3, 64)
    weight = quantized.dequantize(held, "w")
    q = held["values"].float()
    d = held["w.scales"].float().repeat_interleave(32, dim=1)
    m = held["w.mins"].float().repeat_interleave(32, dim=1)
    assert torch.equal(weight, d * q + m)


@needs_kernel
def test_four_bit_products_are_the_float32_ones_up_to_bfloat16_rounding() -> None:
    first, second = _random_q4(96, 128, seed=1), _random_q4(32, 128, seed=2)
    held = {f"a.{k[2:]}": v for k, v in first.items() if k.startswith("w.")}
    held |= {f"b.{k[2:]}": v for k, v in second.items() if k.startswith("w.")}
    dense = [quantized.dequantize(held, "a"), quantized.dequantize(held, "b")]
    linear = quantized.Int4Linear(held, ["a", "b"], quantized.Scratch(), dense)
    x = torch.randn(3, 128, generator=torch.Generator().manual_seed(3))
    expected = x @ torch.cat(dense).T
    got = linear(x)
    assert got.shape == (3, 128) and got.dtype == torch.float32
    # bfloat16 keeps 8 significant bits: errors of a few parts in a thousand of the scale
    assert (got - expected).abs().max() < 0.01 * expected.abs().max()
    # From DENSE_FROM_ROWS rows on, the float32 weights multiply: exactly float32's product.
    rows = torch.randn(quantized.DENSE_FROM_ROWS, 128)
    torch.testing.assert_close(linear(rows), rows @ torch.cat(dense).T, rtol=0, atol=0)


@pytest.fixture
def q4_gguf(tiny_gguf_q4: Path, embedded_gguf) -> Path:
    return embedded_gguf(tiny_gguf_q4)


@needs_kernel
def test_the_cache_keeps_the_gguf_4bit_weights_that_transformers_dequantizes(
    q4_gguf: Path, tiny_chat: Path
) -> None:
    """The 4-bit copy dequantizes to exactly the float32 weights transformers read from the
    GGUF, query and key rows included (llama.cpp stores them in another order)."""
    directory, _ = embedded.prepare(lambda message: None)
    held = safetensors_torch.load_file(directory / quantized.FILE)
    dense = safetensors_torch.load_file(directory / embedded.WEIGHTS)
    names = sorted(quantized.names(held))
    assert len(names) == 2 * 7  # two layers of q, k, v, o, gate, up, down
    for name in names:
        assert torch.equal(quantized.dequantize(held, name), dense[name]), name
    assert count_parameters(directory) == sum(t.numel() for t in dense.values())
    # and they are the Q4_1 rounding of the model's own weights, not some other weights
    original = safetensors_torch.load_file(tiny_chat / "model.safetensors")
    query = "model.layers.1.self_attn.q_proj.weight"
    assert (dense[query] - original[query]).abs().max() < 0.1 * original[query].abs().max()


@needs_kernel
def test_the_backend_decodes_in_four_bits_by_default_and_says_so(q4_gguf) -> None:
    backend = embedded.load(None, Settings.defaults(), lambda message: None)  # type: ignore[arg-type]
    assert backend.precision is not None and backend.precision.startswith("4-bit Q4_1")
    exact = embedded.load(None, Settings.defaults(four_bit=False), lambda message: None)  # type: ignore[arg-type]
    assert exact.precision == "float32"
    prompt, params = Prompt("What is ethanol?"), GenerationParams(watermark=False)
    assert backend.generate(prompt, params).new_tokens > 0
    assert provenance_for(backend, prompt, params).precision == backend.precision
    exact.generate(prompt, params)
    assert provenance_for(exact, prompt, params).precision == "float32"
    stepper, reference = backend.decoder.stepper, exact.decoder.stepper
    assert isinstance(stepper, CompactLlama) and isinstance(reference, CompactLlama)
    ids = torch.tensor([[3, 9, 14, 2, 30, 7]])
    with torch.inference_mode():
        ours = stepper.logits(ids, 0, stepper.cache(8), every=True)
        theirs = reference.logits(ids, 0, reference.cache(8), every=True)
    assert not torch.equal(ours, theirs)  # the products did run in 4 bits
    assert (ours - theirs).abs().max() < 0.05 * theirs.abs().max()


@needs_kernel
def test_a_damaged_4bit_file_is_caught_at_load_and_the_cache_rebuilt(q4_gguf) -> None:
    directory, _ = embedded.prepare(lambda message: None)
    path = directory / quantized.FILE
    data = bytearray(path.read_bytes())
    data[8:16] = b"\xff" * 8  # same size, unreadable header
    path.write_bytes(bytes(data))
    messages: list[str] = []
    backend = embedded.load(None, Settings.defaults(), messages.append)  # type: ignore[arg-type]
    assert any("damaged" in m for m in messages)
    assert backend.precision is not None and backend.precision.startswith("4-bit")


def test_a_gguf_without_4bit_projections_keeps_float32(gguf_fp32) -> None:
    directory, _ = embedded.prepare(lambda message: None)
    assert not (directory / quantized.FILE).exists()
    backend = embedded.load(None, Settings.defaults(), lambda message: None)  # type: ignore[arg-type]
    assert backend.precision == "float32"


@pytest.fixture
def gguf_fp32(tiny_gguf: Path, embedded_gguf) -> Path:
    return embedded_gguf(tiny_gguf)


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from galcli.settings import load_settings

    assert load_settings({}).four_bit is True
    monkeypatch.setenv("GALCLI_FOUR_BIT", "0")
    settings = load_settings({})
    assert settings.four_bit is False and settings.source("four_bit") == "env GALCLI_FOUR_BIT"


@needs_kernel
def test_each_stack_is_4bit_only_if_all_its_parts_are_and_the_label_follows(q4_gguf) -> None:
    directory, _ = embedded.prepare(lambda message: None)
    held = safetensors_torch.load_file(directory / quantized.FILE)
    tensors = safetensors_torch.load_file(directory / embedded.WEIGHTS)
    shape = CompactLlama.load(directory, torch.float32, "cpu").shape  # type: ignore[union-attr]
    # no value projection in 4 bits: every query/key/value stack stays float32, the rest not
    partial = {k: v for k, v in held.items() if ".v_proj." not in k}
    model = CompactLlama(shape, tensors, torch.float32, "cpu", partial)
    assert all(type(layer.qkv).__name__ == "Dense" for layer in model.layers)
    assert all(isinstance(layer.down, quantized.Int4Linear) for layer in model.layers)
    assert model.precision.startswith("4-bit Q4_1")
    # nothing usable in 4 bits: float32, and the label says so
    none = {k: v for k, v in held.items() if ".up_proj." in k}
    assert CompactLlama(shape, tensors, torch.float32, "cpu", none).precision == "float32"


@needs_kernel
def test_a_product_the_kernel_refuses_stays_float32(q4_gguf, monkeypatch) -> None:
    directory, _ = embedded.prepare(lambda message: None)

    def refuse(*args, **kwargs):
        raise RuntimeError("_convert_weight_to_int4pack_cpu : expect weight to be kInt")

    monkeypatch.setattr(quantized.Int4Linear, "__init__", refuse)
    model = CompactLlama.load(directory, torch.float32, "cpu")
    assert model is not None and model.precision == "float32"


def test_runs_through_transformers_generate_report_its_precision(q4_gguf) -> None:
    backend = embedded.load(None, Settings.defaults(), lambda message: None)  # type: ignore[arg-type]
    backend.use_decoder = False  # as for generation configs galcli's loop leaves to `generate`
    assert backend.precision == "float32"


@needs_kernel
def test_provenance_names_each_precision_the_runs_used(q4_gguf) -> None:
    """Beam search runs on transformers' float32 model even where decoding is 4-bit."""
    backend = embedded.load(None, Settings.defaults(), lambda message: None)  # type: ignore[arg-type]
    prompt, params = Prompt("What is ethanol?"), GenerationParams(max_new_tokens=4)
    backend.generate(prompt, params)
    backend.sample(prompt, params, 2)  # greedy, several candidates: beams
    stamped = provenance_for(backend, prompt, params).precision
    assert stamped == f"{backend.precision}; float32"
