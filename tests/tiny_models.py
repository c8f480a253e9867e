"""Tiny local models for tests: no download, built and trained in a second or two.

Each model is a few thousand parameters, trained for a moment on one text until greedy decoding
reproduces it. That makes generation deterministic enough to test real behaviour (stop strings,
special tokens, chat templates, streaming) through the real transformers backend.
"""

from __future__ import annotations

from pathlib import Path

GALACTICA_SPECIAL = [
    "<s>",
    "<pad>",
    "</s>",
    "<unk>",
    "[START_REF]",
    "[END_REF]",
    "[IMAGE]",
    "<fragments>",
    "</fragments>",
    "<work>",
    "</work>",
    "[START_SUP]",
    "[END_SUP]",
    "[START_SUB]",
    "[END_SUB]",
    "[START_DNA]",
    "[END_DNA]",
    "[START_AMINO]",
    "[END_AMINO]",
    "[START_PROTEIN]",
    "[END_PROTEIN]",
    "[START_CE]",
    "[END_CE]",
    "[START_SMILES]",
    "[END_SMILES]",
    "[START_I_SMILES]",
    "[END_I_SMILES]",
]
CHAT_SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

GALACTICA_TEXT = (
    "The Transformer [START_REF] Attention Is All You Need, Vaswani [END_REF] "
    "and ethanol [START_I_SMILES]CCO[END_I_SMILES] done."
)
CHAT_TEXT = (
    "<|im_start|>user\nWhat is ethanol?<|im_end|>\n<|im_start|>assistant\n"
    "Ethanol is CCO, an alcohol.<|im_end|>\n"
)


def _tokenizer(corpus: list[str], special: list[str], **tokens: str):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE(unk_token=tokens.get("unk_token")))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=special,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    core.train_from_iterator(corpus, trainer)
    extra = [t for t in special if t not in tokens.values()]
    return PreTrainedTokenizerFast(tokenizer_object=core, additional_special_tokens=extra, **tokens)


WORDS = (
    "ethanol water benzene acid base salt molecule atom bond ring carbon oxygen nitrogen "
    "hydrogen energy binding protein ligand solvent reaction rate model theory data result "
    "paper method study sample value error phase gas liquid solid heat light field wave "
    "particle mass charge spin state"
).split()


def _word_tokenizer(special: list[str], **tokens: str):
    """Whole words, so decoding and re-encoding give back the same ids (a watermark survives)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {token: index for index, token in enumerate([*special, *WORDS])}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token=tokens["unk_token"]))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.decoder = decoders.WordPiece(prefix="##")
    extra = [t for t in special if t not in tokens.values()]
    return PreTrainedTokenizerFast(tokenizer_object=core, additional_special_tokens=extra, **tokens)


def _memorise(model, tokenizer, text: str, steps: int = 400) -> None:
    import torch

    torch.manual_seed(0)
    ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(steps):
        loss = model(input_ids=ids, labels=ids).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if loss.item() < 0.005:
            break
    model.eval()
    if loss.item() > 0.05:
        raise RuntimeError(f"tiny model did not memorise its text (loss {loss.item():.3f})")


def build_galactica(directory: Path) -> Path:
    """An OPT model (Galactica's architecture) with Galactica's special tokens."""
    from transformers import OPTConfig, OPTForCausalLM

    tokenizer = _tokenizer(
        [GALACTICA_TEXT] * 4,
        GALACTICA_SPECIAL,
        bos_token="<s>",
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
    )
    config = OPTConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        ffn_dim=64,
        num_attention_heads=2,
        max_position_embeddings=256,
        word_embed_proj_dim=32,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        dropout=0.0,
        attention_dropout=0.0,
    )
    model = OPTForCausalLM(config)
    # Galactica's tokenizer adds no BOS; train on exactly what the backend will feed.
    _memorise(model, tokenizer, GALACTICA_TEXT + "</s>")
    model.generation_config.eos_token_id = 2
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_chat(directory: Path, *, train: bool = True) -> Path:
    """A Llama model with a ChatML chat template (like SmolLM2-Instruct).

    Untrained (`train=False`, whole-word vocabulary), its next-token distribution is nearly
    flat, so a watermark's bias decides most tokens: the model for watermark round trips.
    """
    from transformers import LlamaConfig, LlamaForCausalLM

    special = {
        "bos_token": "<|im_start|>",
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>",
    }
    tokenizer = (
        _tokenizer([CHAT_TEXT] * 4, CHAT_SPECIAL, **special)
        if train
        else _word_tokenizer(CHAT_SPECIAL, **special)
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        # Room for cite's chat prompt (353 tokens with this tokenizer): `transformers serve`
        # rejects a request longer than the model's context with 400 (tests/model/test_openai.py).
        max_position_embeddings=1024,
        eos_token_id=eos,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        attention_dropout=0.0,
    )
    model = LlamaForCausalLM(config)
    model.generation_config.eos_token_id = eos
    if train:
        _memorise(model, tokenizer, CHAT_TEXT)
    else:  # write words only, to the token limit: every token can carry the watermark
        model.generation_config.suppress_tokens = tokenizer.all_special_ids
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def _to_llama_cpp_rotary(weight, heads: int):
    """llama.cpp stores q/k projections with rotary halves interleaved; transformers undoes it."""
    return (
        weight.reshape(heads, 2, weight.shape[0] // heads // 2, *weight.shape[1:])
        .swapaxes(1, 2)
        .reshape(weight.shape)
    )


def write_gguf(chat_dir: Path, path: Path, *, four_bit: bool = False) -> Path:
    """Write the tiny chat model as a llama GGUF file, laid out like the embedded SmolLM2 GGUF;
    with `four_bit`, its layers' projections quantized to Q4_1 as the embedded file's are."""
    import json

    import gguf
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(chat_dir)
    tokenizer = AutoTokenizer.from_pretrained(chat_dir)
    config = model.config
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(config.num_attention_heads)
    writer.add_head_count_kv(config.num_key_value_heads)
    writer.add_layer_norm_rms_eps(config.rms_norm_eps)
    writer.add_rope_freq_base(10000.0)
    writer.add_vocab_size(config.vocab_size)

    spec = json.loads((chat_dir / "tokenizer.json").read_text(encoding="utf-8"))
    tokens = [""] * len(tokenizer)
    for token, index in spec["model"]["vocab"].items():
        tokens[index] = token
    for added in spec["added_tokens"]:
        tokens[added["id"]] = added["content"]
    writer.add_tokenizer_model("gpt2")
    writer.add_token_list(tokens)
    writer.add_token_types([3 if t in tokenizer.all_special_tokens else 1 for t in tokens])
    writer.add_token_merges(
        [" ".join(m) if isinstance(m, list) else m for m in spec["model"]["merges"]]
    )
    writer.add_eos_token_id(tokenizer.eos_token_id)
    writer.add_bos_token_id(tokenizer.bos_token_id)
    writer.add_pad_token_id(tokenizer.pad_token_id)
    writer.add_chat_template(tokenizer.chat_template)

    names = {
        "model.embed_tokens.weight": "token_embd.weight",
        "model.norm.weight": "output_norm.weight",
        "lm_head.weight": "output.weight",
    }
    layer_names = {
        "self_attn.q_proj": "attn_q",
        "self_attn.k_proj": "attn_k",
        "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output",
        "mlp.gate_proj": "ffn_gate",
        "mlp.up_proj": "ffn_up",
        "mlp.down_proj": "ffn_down",
        "input_layernorm": "attn_norm",
        "post_attention_layernorm": "ffn_norm",
    }
    for layer in range(config.num_hidden_layers):
        for ours, theirs in layer_names.items():
            names[f"model.layers.{layer}.{ours}.weight"] = f"blk.{layer}.{theirs}.weight"
    for name, tensor in model.state_dict().items():
        array = tensor.float().numpy()
        if "q_proj" in name:
            array = _to_llama_cpp_rotary(array, config.num_attention_heads)
        elif "k_proj" in name:
            array = _to_llama_cpp_rotary(array, config.num_key_value_heads)
        if four_bit and "_proj" in name:
            q4_1 = gguf.GGMLQuantizationType.Q4_1
            writer.add_tensor(names[name], gguf.quants.quantize(array, q4_1), raw_dtype=q4_1)
        else:
            writer.add_tensor(names[name], array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
