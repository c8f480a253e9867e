"""The settings galcli has, each declared once: its parser (which holds its range), default,
environment variable, config-file name and, for the model commands, its command-line option.
`settings.load_settings` resolves them; `cli/options.py` makes the options from them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EMBEDDED_MODEL = "smollm2-135m-instruct"
DEVICE_PATTERN = re.compile(r"^(auto|cpu|cuda(:\d+)?|mps)$")


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _positive_int(value: Any) -> int:
    number = int(value)
    if number < 1 or isinstance(value, bool):
        raise ValueError("expected a whole number of at least 1")
    return number


def _temperature(value: Any) -> float:
    number = float(value)
    if not 0.0 <= number <= 5.0 or isinstance(value, bool):
        raise ValueError("expected a number between 0 (greedy) and 5")
    return number


def _seed(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    return int(value)


def _device(value: Any) -> str:
    text = str(value).strip().lower()
    if not DEVICE_PATTERN.match(text):
        raise ValueError("expected auto, cpu, cuda or cuda:N")
    return text


def _model(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("expected a model name, directory or hub id")
    return text


def _profile(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in ("auto", "galactica", "chat"):
        raise ValueError("expected auto, galactica or chat")
    return text


def _mailto(value: Any) -> str:
    text = str(value).strip().removeprefix("mailto:")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise ValueError("expected an e-mail address such as you@example.org")
    return text


def _seconds(value: Any) -> float:
    number = float(value)
    if not 0 < number <= 600 or isinstance(value, bool):
        raise ValueError("expected a number of seconds between 0 and 600")
    return number


def _days(value: Any) -> float:
    number = float(value)
    if not number >= 0 or isinstance(value, bool):
        raise ValueError("expected a number of days, 0 or more (0 = always ask again)")
    return number


def _url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if not re.match(r"^https?://", text):
        raise ValueError("expected an http:// or https:// URL")
    return text


@dataclass(frozen=True)
class Option:
    """How a setting is given on the command line of the model commands (`cli/options.py`
    makes the Typer option from it; its value is parsed by the setting's own `parse`)."""

    flags: tuple[str, ...]  # "--temperature", or "--model", "-m"
    help: str
    metavar: str | None = None
    switch: Any = None  # a flag without a value that sets the setting to this: --no-log -> False


@dataclass(frozen=True)
class SettingSpec:
    """One setting, declared once: its parser (which holds its range), default, environment
    variable, config-file name and, for the model commands, its command-line option."""

    name: str
    parse: Callable[[Any], Any]
    default: Any
    env: str
    help: str
    # For negative environment switches such as GALCLI_NO_LOG=1, which turns `log` off.
    env_inverted: bool = False
    option: Option | None = None


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "model",
        _model,
        EMBEDDED_MODEL,
        "GALCLI_MODEL",
        "model name, local directory, hub id, or backend:name",
        option=Option(
            ("--model", "-m"),
            "Model: a directory, a hub id, fake:SCRIPT.json or openai:NAME "
            "[default: the embedded smollm2-135m-instruct; env GALCLI_MODEL].",
            metavar="MODEL",
        ),
    ),
    SettingSpec(
        "device",
        _device,
        "auto",
        "GALCLI_DEVICE",
        "auto, cpu, cuda or cuda:N",
        option=Option(
            ("--device",), "Where to run the model [default: auto].", metavar="auto|cpu|cuda"
        ),
    ),
    SettingSpec(
        "four_bit",
        _parse_bool,
        True,
        "GALCLI_FOUR_BIT",
        "on the CPU, multiply with the 4-bit weights a GGUF model ships (faster); off: float32",
    ),
    SettingSpec(
        "max_new_tokens",
        _positive_int,
        None,
        "GALCLI_MAX_NEW_TOKENS",
        "tokens to generate (each command has its own default)",
        option=Option(
            ("--max-new-tokens",),
            "Most tokens to generate, at least 1 [default: depends on the command].",
            metavar="N",
        ),
    ),
    SettingSpec(
        "temperature",
        _temperature,
        0.0,
        "GALCLI_TEMPERATURE",
        "0 = greedy decoding (the default for checkable jobs)",
        option=Option(
            ("--temperature",),
            "Sampling temperature from 0 to 5; 0 is greedy [default: 0].",
            metavar="T",
        ),
    ),
    SettingSpec(
        "seed",
        _seed,
        0,
        "GALCLI_SEED",
        "random seed for sampling",
        option=Option(("--seed",), "Random seed [default: 0].", metavar="N"),
    ),
    SettingSpec(
        "stream",
        _parse_bool,
        True,
        "GALCLI_NO_STREAM",
        "stream the draft to stderr while generating",
        env_inverted=True,
        option=Option(("--no-stream",), "Don't show the draft while generating.", switch=False),
    ),
    SettingSpec(
        "allow_download",
        _parse_bool,
        False,
        "GALCLI_ALLOW_DOWNLOAD",
        "allow downloading models from the Hugging Face hub",
        option=Option(
            ("--allow-download",),
            "Allow downloading the model from the Hugging Face hub.",
            switch=True,
        ),
    ),
    SettingSpec(
        "watermark",
        _parse_bool,
        True,
        "GALCLI_NO_WATERMARK",
        "watermark generated text so `galcli detect` can identify it",
        env_inverted=True,
        option=Option(
            ("--no-watermark",),
            "Don't watermark generated text (recorded in provenance).",
            switch=False,
        ),
    ),
    SettingSpec(
        "log",
        _parse_bool,
        True,
        "GALCLI_NO_LOG",
        "record model runs in the local history database",
        env_inverted=True,
        option=Option(("--no-log",), "Don't record this run in the history.", switch=False),
    ),
    SettingSpec(
        "base_url",
        _url,
        None,
        "GALCLI_BASE_URL",
        "URL of an OpenAI-compatible server for openai:MODEL",
        option=Option(
            ("--base-url",),
            "OpenAI-compatible server for --model openai:NAME [env GALCLI_BASE_URL].",
            metavar="URL",
        ),
    ),
    SettingSpec(
        "embeddings",
        _parse_bool,
        True,
        "GALCLI_NO_EMBEDDINGS",
        "fuse sentence embeddings into cite/lit-review ranking (when installed)",
        env_inverted=True,
    ),
    SettingSpec(
        "profile",
        _profile,
        "auto",
        "GALCLI_PROFILE",
        "prompt dialect for openai:MODEL: auto (galactica if the name says so), galactica, chat",
    ),
    # Network look-ups (`check --online`, `smiles --online`); each URL replaces a service's root.
    SettingSpec(
        "crossref_url", _url, "https://api.crossref.org", "GALCLI_CROSSREF_URL", "Crossref REST API"
    ),
    SettingSpec(
        "openalex_url", _url, "https://api.openalex.org", "GALCLI_OPENALEX_URL", "OpenAlex API"
    ),
    SettingSpec(
        "pubchem_url",
        _url,
        "https://pubchem.ncbi.nlm.nih.gov",
        "GALCLI_PUBCHEM_URL",
        "PubChem (PUG REST under /rest/pug)",
    ),
    SettingSpec(
        "mailto",
        _mailto,
        None,
        "GALCLI_MAILTO",
        "your e-mail, sent to Crossref/OpenAlex for their polite pool",
    ),
    SettingSpec(
        "online_timeout", _seconds, 10.0, "GALCLI_ONLINE_TIMEOUT", "seconds to wait per request"
    ),
    SettingSpec(
        "online_cache_days",
        _days,
        30.0,
        "GALCLI_ONLINE_CACHE_DAYS",
        "days a cached look-up answer is reused",
    ),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
