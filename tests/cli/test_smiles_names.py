"""`galcli smiles NAME...`: several names, CAS numbers, and a model consulted only when needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from galcli.errors import ExitCode
from galcli.model import registry

CAFFEINE = "Cn1c(=O)c2c(ncn2C)n(C)c1=O"
ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


@pytest.fixture
def no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail("the model was loaded")

    monkeypatch.setattr(registry, "load_backend", refuse)


def test_several_names_as_arguments_each_resolve(cli) -> None:
    result = cli("smiles", "caffeine", "aspirin", "--no-model", "--json")
    assert result.code == ExitCode.OK
    lines = result.json_lines()
    assert [line["query"] for line in lines] == ["caffeine", "aspirin"]
    assert [line["candidates"][0]["smiles"] for line in lines] == [CAFFEINE, ASPIRIN]
    assert all("line" not in line for line in lines)
    text = cli("smiles", "caffeine", "aspirin", "--no-model")
    rows = [row.split("\t") for row in text.stdout.splitlines()]
    assert rows[0][:2] == ["name", "smiles"]
    assert [row[:2] for row in rows[1:]] == [["caffeine", CAFFEINE], ["aspirin", ASPIRIN]]


def test_names_on_stdin_each_resolve_and_comments_are_skipped(cli) -> None:
    result = cli("smiles", "--no-model", "--json", stdin="caffeine\n# a comment\n\naspirin\n")
    lines = result.json_lines()
    assert [(line["line"], line["query"]) for line in lines] == [(1, "caffeine"), (4, "aspirin")]
    one = cli("smiles", "--no-model", "--json", stdin="caffeine\n")
    assert one.json()["query"] == "caffeine"  # one name: one JSON document, as before


def test_batch_skips_comments_and_blank_lines(cli, tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# solvents\nethanol\n\n  # indented comment\nbenzene\n", encoding="utf-8")
    result = cli("smiles", "--batch", str(names), "--no-model")
    assert [(r["line"], r["query"]) for r in result.json_lines()] == [
        (2, "ethanol"),
        (5, "benzene"),
    ]
    assert "2 of 2 names resolved" in result.stderr


def test_cas_numbers_and_a_wrong_check_digit(cli) -> None:
    water = cli("smiles", "7732-18-5", "--no-model", "--json").json()
    assert water["candidates"][0]["smiles"] == "O"
    wrong = cli("smiles", "7732-18-4", "--no-model")
    assert wrong.code == ExitCode.FINDINGS and wrong.stdout == ""
    assert "check digit is wrong (expected 5)" in wrong.stderr
    assert "did you mean" not in wrong.stderr


def test_did_you_mean_never_offers_a_misspelling(cli) -> None:
    result = cli("smiles", "caffiene", "--no-model")
    assert result.code == ExitCode.FINDINGS
    assert "did you mean 'caffeine'?" in result.stderr and "caffine" not in result.stderr


def test_no_model_never_loads_the_model(cli, no_model_loads) -> None:
    result = cli("smiles", "caffeine", "--no-model")
    assert result.code == ExitCode.OK and CAFFEINE in result.stdout


def test_the_model_is_not_consulted_when_the_offline_sources_confirm(
    cli, no_model_loads, fake_model, monkeypatch
) -> None:
    monkeypatch.setenv("GALCLI_MODEL", fake_model([{"text": ["CCO"]}]))
    result = cli("smiles", "caffeine", "--json")
    assert result.code == ExitCode.OK
    assert result.json()["model"] is None and "model not consulted" in result.stderr


def test_the_model_is_consulted_when_the_offline_sources_do_not_confirm(
    cli, fake_model, monkeypatch
) -> None:
    # aspirin: chemicals knows it, OPSIN does not, so no two offline sources agree.
    monkeypatch.setenv("GALCLI_MODEL", fake_model([{"text": [ASPIRIN]}], model_id="fake-chem"))
    result = cli("smiles", "aspirin", "--json").json()
    assert result["model"] == "fake-chem"
    assert result["candidates"][0]["identity"] == "confirmed"
    assert "model" in result["candidates"][0]["sources"]


def test_ask_model_and_an_explicit_model_consult_it_for_confirmed_names(cli, fake_model) -> None:
    model = fake_model([{"text": ["c1ccccc1"]}], model_id="fake-chem")
    for flags in (["--ask-model", "--model", model], ["-m", model]):
        result = cli("smiles", "caffeine", "--json", *flags).json()
        assert result["model"] == "fake-chem"
        assert result["candidates"][-1]["identity"] == "contradicted"  # the model's benzene
    clash = cli("smiles", "caffeine", "--no-model", "--ask-model")
    assert clash.code == ExitCode.USAGE


@pytest.mark.parametrize("flags", [["--no-model"], []], ids=["no-model", "default-confirmed"])
def test_no_model_imports_neither_torch_nor_transformers(tmp_path: Path, flags: list[str]) -> None:
    """--no-model, and the default when OPSIN and chemicals confirm the name: no model code."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "galcli", "smiles", "caffeine", *flags],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "GALCLI_DATA_DIR": str(tmp_path),
            "GALCLI_CONFIG_DIR": str(tmp_path),
        },
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert CAFFEINE in completed.stdout
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in completed.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "rdkit" in imported  # the probe sees real imports
    assert not imported & {"torch", "transformers"}


def test_json_help_says_json_lines_where_json_lines_are_written(cli) -> None:
    validate = cli("smiles", "validate", "--help").stdout
    assert "JSON Lines" in " ".join(validate.split())
    name = " ".join(cli("smiles", "name", "--help").stdout.split())
    assert "JSON Lines (one object per input) for several inputs" in name
