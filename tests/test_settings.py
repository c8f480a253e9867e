from __future__ import annotations

from pathlib import Path

import pytest

from galcli.errors import InputError, UsageError
from galcli.settings import EMBEDDED_MODEL, load_settings


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "galcli.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({}, environ={}, config_path=tmp_path / "absent.toml")
    assert settings.model == EMBEDDED_MODEL and settings.temperature == 0.0
    assert settings.watermark and settings.log and settings.stream and not settings.allow_download
    assert settings.source("model") == "default"


def test_precedence_flag_over_env_over_config_over_default(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'model = "from-config"\nseed = 7\ndevice = "cpu"\n')
    environ = {"GALCLI_MODEL": "from-env", "GALCLI_SEED": "8"}
    settings = load_settings({"model": "from-flag"}, environ=environ, config_path=config)
    assert settings.model == "from-flag" and settings.source("model") == "flag"
    assert settings.seed == 8 and settings.source("seed") == "env GALCLI_SEED"
    assert settings.device == "cpu" and settings.source("device") == f"config {config}"
    assert settings.source("temperature") == "default"


def test_negative_environment_switches(tmp_path: Path) -> None:
    environ = {"GALCLI_NO_LOG": "1", "GALCLI_NO_WATERMARK": "yes", "GALCLI_NO_STREAM": "0"}
    settings = load_settings({}, environ=environ, config_path=tmp_path / "x.toml")
    assert not settings.log and not settings.watermark and settings.stream


def test_bad_environment_value_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="GALCLI_TEMPERATURE"):
        load_settings({}, environ={"GALCLI_TEMPERATURE": "hot"}, config_path=tmp_path / "x.toml")


def test_bad_config_value_names_the_file(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'device = "gpu9000"\n')
    with pytest.raises(InputError) as info:
        load_settings({}, environ={}, config_path=config)
    assert info.value.location.file == str(config) and "device" in str(info.value)


def test_invalid_toml_has_line_and_column(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'model = "ok"\nseed = = 3\n')
    with pytest.raises(InputError) as info:
        load_settings({}, environ={}, config_path=config)
    assert info.value.location.line == 2 and info.value.location.column is not None


def test_unknown_config_key_lists_the_known_ones(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'modle = "typo"\n')
    with pytest.raises(InputError, match="unknown setting 'modle'") as info:
        load_settings({}, environ={}, config_path=config)
    assert "model" in info.value.hint


def test_config_subcommand_shows_sources(cli, galcli_home: Path, monkeypatch) -> None:
    config_dir = galcli_home / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "galcli.toml").write_text("temperature = 0.2\n", encoding="utf-8")
    monkeypatch.setenv("GALCLI_SEED", "5")
    rows = {row["name"]: row for row in cli("models", "config", "--json").json()["settings"]}
    assert rows["temperature"]["value"] == 0.2 and rows["temperature"]["source"].startswith(
        "config "
    )
    assert rows["seed"]["value"] == 5 and rows["seed"]["source"] == "env GALCLI_SEED"
    assert rows["model"]["source"] == "default"
