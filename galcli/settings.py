"""Settings and where each one came from.

Precedence: command-line flag > `GALCLI_*` environment variable > `galcli.toml` in the user
config directory > built-in default (docs/architecture.md). `galcli models config` prints the
table with the source of every value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from galcli import paths
from galcli.errors import InputError, Location, UsageError
from galcli.specs import EMBEDDED_MODEL as EMBEDDED_MODEL
from galcli.specs import SPEC_BY_NAME, SPECS


@dataclass(frozen=True)
class Settings:
    """Every setting's value (`load_settings` makes it; the defaults are the specs')."""

    model: str
    device: str
    four_bit: bool
    max_new_tokens: int | None
    temperature: float
    seed: int
    stream: bool
    allow_download: bool
    watermark: bool
    log: bool
    base_url: str | None
    embeddings: bool
    profile: str
    crossref_url: str
    openalex_url: str
    pubchem_url: str
    mailto: str | None
    online_timeout: float
    online_cache_days: float
    # setting name -> where its value came from: "flag", "env GALCLI_X", "config PATH", "default"
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def source(self, name: str) -> str:
        return self.sources.get(name, "default")

    @classmethod
    def defaults(cls, **changes: Any) -> Settings:
        """The built-in defaults (no flag, environment or config file), with `changes`."""
        return cls(**{**{spec.name: spec.default for spec in SPECS}, **changes})


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
            flag = spec.option.flags[0] if spec.option else f"the option for {spec.name}"
            raw, source, origin = flags[spec.name], "flag", flag
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
