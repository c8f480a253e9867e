"""Settings and where each one came from.

Precedence: command-line flag > `GALCLI_*` environment variable > `galcli.toml` in the user
config directory > built-in default (docs/architecture.md). `galcli models config` prints the
table with the source of every value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from galcli import paths
from galcli.errors import InputError, Location, UsageError

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
class SettingSpec:
    name: str
    parse: Callable[[Any], Any]
    default: Any
    env: str
    help: str
    # For negative environment switches such as GALCLI_NO_LOG=1, which turns `log` off.
    env_inverted: bool = False


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "model",
        _model,
        EMBEDDED_MODEL,
        "GALCLI_MODEL",
        "model name, local directory, hub id, or backend:name",
    ),
    SettingSpec("device", _device, "auto", "GALCLI_DEVICE", "auto, cpu, cuda or cuda:N"),
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
    ),
    SettingSpec(
        "temperature",
        _temperature,
        0.0,
        "GALCLI_TEMPERATURE",
        "0 = greedy decoding (the default for checkable jobs)",
    ),
    SettingSpec("seed", _seed, 0, "GALCLI_SEED", "random seed for sampling"),
    SettingSpec(
        "stream",
        _parse_bool,
        True,
        "GALCLI_NO_STREAM",
        "stream the draft to stderr while generating",
        env_inverted=True,
    ),
    SettingSpec(
        "allow_download",
        _parse_bool,
        False,
        "GALCLI_ALLOW_DOWNLOAD",
        "allow downloading models from the Hugging Face hub",
    ),
    SettingSpec(
        "watermark",
        _parse_bool,
        True,
        "GALCLI_NO_WATERMARK",
        "watermark generated text so `galcli detect` can identify it",
        env_inverted=True,
    ),
    SettingSpec(
        "log",
        _parse_bool,
        True,
        "GALCLI_NO_LOG",
        "record model runs in the local history database",
        env_inverted=True,
    ),
    SettingSpec(
        "base_url",
        _url,
        None,
        "GALCLI_BASE_URL",
        "URL of an OpenAI-compatible server for openai:MODEL",
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


@dataclass(frozen=True)
class Settings:
    model: str = EMBEDDED_MODEL
    device: str = "auto"
    four_bit: bool = True
    max_new_tokens: int | None = None
    temperature: float = 0.0
    seed: int = 0
    stream: bool = True
    allow_download: bool = False
    watermark: bool = True
    log: bool = True
    base_url: str | None = None
    embeddings: bool = True
    profile: str = "auto"
    crossref_url: str = "https://api.crossref.org"
    openalex_url: str = "https://api.openalex.org"
    pubchem_url: str = "https://pubchem.ncbi.nlm.nih.gov"
    mailto: str | None = None
    online_timeout: float = 10.0
    online_cache_days: float = 30.0
    # setting name -> where its value came from: "flag", "env GALCLI_X", "config PATH", "default"
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise InputError(
            f"cannot read config file: {exc.strerror}",
            location=Location(str(path)),
            hint="fix its permissions or set GALCLI_CONFIG to another file",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        location = (
            Location(str(path), int(match[1]), int(match[2])) if match else Location(str(path))
        )
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise InputError(
            f"invalid TOML in config file: {message}",
            location=location,
            hint="see `galcli models config --help` for the file format",
        ) from exc
    unknown = sorted(key for key in data if key not in SPEC_BY_NAME)
    if unknown:
        known = ", ".join(spec.name for spec in SPECS)
        raise InputError(
            f"unknown setting {unknown[0]!r} in config file",
            location=Location(str(path)),
            hint=f"known settings: {known}",
        )
    return data


def load_settings(
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Resolve every setting. `flags` holds command-line values; None means "not given"."""
    flags = flags or {}
    environ = os.environ if environ is None else environ
    config_path = config_path or paths.config_file()
    config = _read_config(config_path)

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for spec in SPECS:
        if flags.get(spec.name) is not None:
            raw, source, origin = flags[spec.name], "flag", f"option for {spec.name}"
        elif spec.env in environ:
            raw, source, origin = environ[spec.env], f"env {spec.env}", spec.env
        elif spec.name in config:
            raw, source, origin = config[spec.name], f"config {config_path}", spec.name
        else:
            values[spec.name] = spec.default
            sources[spec.name] = "default"
            continue
        try:
            value = spec.parse(raw)
            if source.startswith("env") and spec.env_inverted:
                value = not value
        except (TypeError, ValueError) as exc:
            error_class = InputError if source.startswith("config") else UsageError
            where = Location(str(config_path)) if source.startswith("config") else None
            raise error_class(
                f"invalid value {raw!r} for {origin}: {exc}",
                location=where,
                hint=f"{spec.name}: {spec.help}",
            ) from exc
        values[spec.name] = value
        sources[spec.name] = source
    return Settings(**values, sources=sources)
