"""4-bit weights as a GGUF file stores them (Q4_1), multiplied by torch's int4 CPU kernel.

The embedded model ships as a Q4_1 GGUF: each block of 32 weights is `d * q + m`, with q a
4-bit integer and d, m float16. transformers dequantizes that to float32, and a float32 matrix
product then reads 4 bytes a weight: on a 2-core CPU, decoding is bound by that memory traffic
(540 MB a token). Keeping the 4-bit integers and their block scales reads about 0.6 bytes a
weight (the layers: 66 MB instead of 425 MB). The cache build (`embedded.build_cache`) stores
them next to the float32 copy, after checking that they dequantize to exactly its float32
weights; `CompactLlama` multiplies with them on the CPU unless the `four_bit` setting is off
(GALCLI_FOUR_BIT=0).

What changes in the arithmetic, and nothing else: the kernel takes bfloat16 inputs and
bfloat16 scales, so each product rounds its input vector, d and m + 8d to bfloat16 (the GGUF's
own runtime, llama.cpp, rounds inputs to 8-bit integers). The residual stream, attention, norms
and the output layer stay float32. tests/model/test_quantized.py checks the products against the
float32 ones; tests/e2e compares log-likelihoods with float32's on the embedded weights, and
bench/four_bit.py perplexity and greedy tokens.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from galcli.model.runtime import import_torch

#: the file in a model directory that holds the 4-bit weights
FILE = "q4_1.safetensors"
BLOCK = 32  # weights per Q4_1 block, and the kernel's group size
_BLOCK_BYTES = 2 + 2 + BLOCK // 2  # d (float16), m (float16), 32 nibbles

#: GGUF tensor names of a Llama layer -> transformers' names
_LAYER_TENSORS = {
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}


def weight_files(directory: Path) -> list[Path]:
    """The safetensors files of a model directory, without its 4-bit copy."""
    return [path for path in sorted(directory.glob("*.safetensors")) if path.name != FILE]


def supported(device: Any, dtype: Any) -> bool:
    """Whether this torch multiplies int4 weights on `device` for a model in `dtype`."""
    torch = import_torch()
    return (
        str(device) == "cpu"
        and dtype == torch.float32
        and hasattr(torch.ops.aten, "_weight_int4pack_mm_for_cpu")
    )


def read_gguf(path: Path, heads: int, kv_heads: int) -> dict[str, Any]:
    """The Q4_1 layer weights of a Llama GGUF file, under transformers' names: for each, its
    nibbles (N, K/2; even columns in the low half of a byte), scales d and mins m (N, K/32,
    float16). Query and key rows are reordered as transformers reorders them on load."""
    import gguf
    import numpy as np

    torch = import_torch()
    reader = gguf.GGUFReader(str(path))
    tensors: dict[str, Any] = {}
    for tensor in reader.tensors:
        parts = tensor.name.split(".")  # blk.<layer>.<kind>.weight
        if (
            len(parts) != 4
            or parts[0] != "blk"
            or parts[2] not in _LAYER_TENSORS
            or tensor.tensor_type != gguf.GGMLQuantizationType.Q4_1
        ):
            continue
        name = f"model.layers.{parts[1]}.{_LAYER_TENSORS[parts[2]]}.weight"
        permuted = {"attn_q": heads, "attn_k": kv_heads}.get(parts[2])
        raw = np.asarray(tensor.data)
        rows = raw.shape[0]
        blocks = raw.reshape(rows, -1, _BLOCK_BYTES)
        d = blocks[..., 0:2].copy().view(np.float16)[..., 0]
        m = blocks[..., 2:4].copy().view(np.float16)[..., 0]
        packed = blocks[..., 4:]  # byte j: weight j (low nibble), weight j + 16 (high)
        q = np.concatenate([packed & 15, packed >> 4], axis=-1).reshape(rows, -1)
        if permuted:  # llama.cpp stores query/key rows interleaved per head
            q, d, m = (_unpermute(a, permuted) for a in (q, d, m))
        q = np.ascontiguousarray(q)
        tensors[f"{name}.nibbles"] = torch.from_numpy(q[:, 0::2] | (q[:, 1::2] << 4))
        tensors[f"{name}.scales"] = torch.from_numpy(np.ascontiguousarray(d))
        tensors[f"{name}.mins"] = torch.from_numpy(np.ascontiguousarray(m))
    return tensors


def save_from_gguf(gguf: Path, config: Any, weights: dict[str, Any], directory: Path) -> None:
    """Write `FILE` into `directory` with a Llama GGUF's Q4_1 weights, if each dequantizes to
    exactly the float32 weight in `weights` (transformers' reading of the same GGUF); else
    write nothing, and the float32 weights serve."""
    from safetensors.torch import save_file

    torch = import_torch()
    four_bit = read_gguf(gguf, config.num_attention_heads, config.num_key_value_heads)
    for name in names(four_bit):
        if name not in weights or not torch.equal(dequantize(four_bit, name), weights[name]):
            return
    if four_bit:
        save_file(four_bit, str(directory / FILE))


def _unpermute(array: Any, heads: int) -> Any:
    """transformers' inverse of llama.cpp's query/key row order (its GGUF loader's)."""
    half = array.shape[0] // heads // 2
    return array.reshape(heads, half, 2, *array.shape[1:]).swapaxes(2, 1).reshape(array.shape)


def dequantize(tensors: dict[str, Any], name: str) -> Any:
    """The float32 weight `name` as the GGUF defines it: d * q + m."""
    torch = import_torch()
    q = unpack(tensors[f"{name}.nibbles"])
    scales = tensors[f"{name}.scales"].float().repeat_interleave(BLOCK, dim=1)
    mins = tensors[f"{name}.mins"].float().repeat_interleave(BLOCK, dim=1)
    return scales * q.to(torch.float32) + mins


def unpack(nibbles: Any) -> Any:
    """(N, K/2) nibbles -> (N, K) int32 values 0-15."""
    return Scratch().values([nibbles])


def names(tensors: dict[str, Any]) -> Iterator[str]:
    """The weight names that `tensors` holds in 4 bits."""
    return (key.removesuffix(".nibbles") for key in tensors if key.endswith(".nibbles"))


#: inputs of this many rows (prompt tokens) or more are multiplied by the float32 weights:
#: there the product is bound by arithmetic, not memory, and the 4-bit kernel is slower
#: (on 2 cores, for the embedded model, a forward pass of 16 tokens took 54 ms in 4 bits and
#: 84 ms in float32; of 64 tokens, 205 ms and 112 ms)
DENSE_FROM_ROWS = 32


class Int4Linear:
    """`x @ W.T` for a stack of Q4_1 weights, on the CPU; `dense` are the same weights in
    float32 (memory-mapped), for inputs of `DENSE_FROM_ROWS` rows or more."""

    def __init__(
        self, tensors: dict[str, Any], stacked: Sequence[str], scratch: Scratch, dense: list[Any]
    ) -> None:
        torch = import_torch()
        self.dense = dense
        self._linear = torch.nn.functional.linear
        self._cat = torch.cat
        nibbles = [tensors[f"{n}.nibbles"] for n in stacked]
        d = torch.cat([tensors[f"{n}.scales"] for n in stacked]).float()
        m = torch.cat([tensors[f"{n}.mins"] for n in stacked]).float()
        # the kernel computes (q - 8) * scale + zero, per group of 32 along the input
        zeros = torch.stack([d.t(), (m + 8 * d).t()], dim=-1)
        self.zeros = zeros.to(torch.bfloat16).contiguous()
        self.packed = torch.ops.aten._convert_weight_to_int4pack_for_cpu(scratch.values(nibbles), 1)
        self._mm = torch.ops.aten._weight_int4pack_mm_for_cpu
        self._bfloat16 = torch.bfloat16

    def __call__(self, x: Any) -> Any:
        if x.shape[0] >= DENSE_FROM_ROWS:
            return self._cat([self._linear(x, weight) for weight in self.dense], dim=-1)
        return self._mm(x.to(self._bfloat16), self.packed, BLOCK, self.zeros).to(x.dtype)


class Scratch:
    """One int32 buffer for the values the packing kernel reads, reused for every weight:
    allocating them afresh costs more in page faults (0.3 s for the embedded model) than the
    packing itself."""

    def __init__(self) -> None:
        torch = import_torch()
        self._buffer = torch.empty(0, dtype=torch.int32)

    def values(self, nibbles: Sequence[Any]) -> Any:
        """The 4-bit values of weights stacked by rows, as an (N, K) int32 view of the buffer."""
        rows = sum(int(n.shape[0]) for n in nibbles)
        columns = int(nibbles[0].shape[1]) * 2
        if self._buffer.numel() < rows * columns:
            self._buffer = self._buffer.new_empty(rows * columns)
        out = self._buffer[: rows * columns].view(rows, columns)
        row = 0
        for part in nibbles:
            block = out[row : row + part.shape[0]]
            block[:, 0::2] = part & 15
            block[:, 1::2] = part >> 4
            row += int(part.shape[0])
        return out
