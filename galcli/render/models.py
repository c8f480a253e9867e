"""Model lists, model details and the settings table (`galcli models`)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from galcli.render.core import Output

if TYPE_CHECKING:
    from galcli.tasks.models import ModelInfo, SettingRow


def _size(parameters: object) -> str:
    if not isinstance(parameters, int) or parameters <= 0:
        return ""
    return f"{parameters / 1e9:.1f}B" if parameters >= 1e9 else f"{parameters / 1e6:.0f}M"


def show_model_list(out: Output, models: list[ModelInfo]) -> None:
    if out.json_mode:
        out.write_json([m.to_dict() for m in models])
        return
    width = max(len(m.name) for m in models)
    for model in models:
        mark = "*" if model.default else " "
        size = _size(model.details.get("parameters"))
        line = f"{mark} {model.name:<{width}}  {model.backend:<12} {size:>6}  {model.status}"
        out.write(line.rstrip())
    missing = next((m.details["missing"] for m in models if m.details.get("missing")), None)
    if missing:
        out.warn(
            f"local models need the model runtime ({', '.join(missing)} missing): "
            'pip install "galcli[model]"'
        )


def show_model_info(out: Output, model: ModelInfo) -> None:
    if out.json_mode:
        out.write_json(model.to_dict())
        return
    rows = [
        ("name", model.name),
        ("backend", model.backend),
        ("status", model.status),
        ("profile", model.profile or "unknown"),
        ("path", model.path or ""),
    ]
    rows += [
        (key, _size(value) if key == "parameters" else value)
        for key, value in model.details.items()
        if key != "files"
    ]
    if files := model.details.get("files"):
        rows.append(("files", ", ".join(files)))
    for key, value in rows:
        if value not in ("", None):
            out.write(f"{key + ':':<16}{value}")


def show_settings(out: Output, rows: list[SettingRow], config_file: Path) -> None:
    if out.json_mode:
        out.write_json(
            {
                "config_file": str(config_file),
                "exists": config_file.is_file(),
                "settings": [asdict(r) for r in rows],
            }
        )
        return
    width = max(len(r.name) for r in rows)
    for row in rows:
        value = "(per command)" if row.value is None and row.name == "max_new_tokens" else row.value
        out.write(f"{row.name:<{width}}  {str(value):<24} {row.source}")
    out.info(f"config file: {config_file}{'' if config_file.is_file() else ' (not present)'}")
    out.info("environment variables: " + ", ".join(r.env for r in rows))
