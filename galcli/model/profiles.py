"""Which prompt profile a model gets: the one rule, for a loaded tokenizer, a model directory
on disk, and a model served by name.

Galactica checkpoints carry Galactica's markers in their vocabulary; instruction models carry
a chat template; any other base model gets raw text prompts (the Galactica dialect).
"""

from __future__ import annotations

import json
from collections.abc import Container
from pathlib import Path
from typing import Any

from galcli.model.base import CHAT, GALACTICA

GALACTICA_MARKERS = ("[START_REF]", "[END_REF]", "[START_I_SMILES]", "<work>")


def choose_profile(vocabulary: Container[str], has_chat_template: bool) -> str:
    if all(marker in vocabulary for marker in GALACTICA_MARKERS):
        return GALACTICA
    return CHAT if has_chat_template else GALACTICA


def profile_of_tokenizer(tokenizer: Any) -> str:
    return choose_profile(tokenizer.get_vocab(), bool(getattr(tokenizer, "chat_template", None)))


def profile_of_directory(directory: Path) -> str:
    """The profile a model directory will get once loaded, read from its tokenizer files
    without importing transformers."""
    tokenizer = read_json(directory / "tokenizer.json")
    model = tokenizer.get("model")
    vocabulary: set[str] = set()
    if isinstance(model, dict) and isinstance(model.get("vocab"), dict):
        vocabulary.update(model["vocab"])
    for added in tokenizer.get("added_tokens") or []:
        if isinstance(added, dict) and isinstance(added.get("content"), str):
            vocabulary.add(added["content"])
    has_template = (directory / "chat_template.jinja").is_file() or (
        directory / "chat_template.json"
    ).is_file()
    if not has_template:
        has_template = bool(read_json(directory / "tokenizer_config.json").get("chat_template"))
    return choose_profile(vocabulary, has_template)


def profile_of_served_model(name: str, setting: str = "auto") -> str:
    """A remote server sends no tokenizer: the model's name (or the user's setting) decides."""
    if setting in (GALACTICA, CHAT):
        return setting
    return GALACTICA if "galactica" in name.lower() else CHAT


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from `path`; {} when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
