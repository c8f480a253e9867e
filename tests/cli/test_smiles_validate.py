"""`galcli smiles validate` and `describe` on hostile input: huge molecules, closed pipes, tables
in other dialects; and the messages of bare `galcli`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from galcli.errors import ExitCode
from galcli.verify.smiles import MAX_ATOMS, Validator, diagnose, mol_from_smiles, size_problem

ENV = {**os.environ, "GALCLI_NO_LOG": "1"}


def galcli(*args: str) -> list[str]:
    return [sys.executable, "-m", "galcli", *args]


# -- the size guard ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "smiles",
    ["C" * 20_000, "C(" * 3_000 + "C" + ")" * 3_000, "c1ccccc1" * 2_000, "[CH2]" * 4_100],
)
def test_molecules_too_large_for_rdkit_are_refused_before_it_sees_them(smiles: str) -> None:
    check = Validator().check(smiles)
    assert not check.valid and check.kind == "too_large" and "limit" in (check.error or "")
    assert diagnose(smiles).kind == "too_large"
    assert mol_from_smiles(smiles) is None


def test_the_size_limit_keeps_real_molecules() -> None:
    assert size_problem("C" * MAX_ATOMS) is None
    assert Validator().check("C" * MAX_ATOMS).valid
    assert size_problem("[2H]" * 1_000) is None  # bracket atoms count once
    assert size_problem("C" * (MAX_ATOMS + 1)) is not None


def test_a_20000_atom_line_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.smi"
    path.write_text(f"CCO ethanol\n{'C' * 20_000} wax\n{'C' * 200_000}\nc1ccccc1\n")
    done = subprocess.run(
        galcli("smiles", "validate", str(path)), capture_output=True, text=True, env=ENV
    )
    assert done.returncode == ExitCode.FINDINGS  # not 139 (a segmentation fault)
    assert done.stdout == "CCO\tethanol\nc1ccccc1\n"
    assert "big.smi:2: invalid SMILES 'CCCC" in done.stderr and "20,000 atoms" in done.stderr
    assert "big.smi:3:" in done.stderr and "(200,000 characters)" in done.stderr
    assert len(done.stderr) < 2_000  # the molecule is not echoed whole


def test_too_large_is_an_error_kind_in_json(cli, tmp_path: Path) -> None:
    path = tmp_path / "big.smi"
    path.write_text(f"{'C' * 20_000}\n")
    [row] = cli("smiles", "validate", str(path), "--json").json_lines()
    assert row["valid"] is False and row["error_kind"] == "too_large"


def test_describe_refuses_a_molecule_too_large(cli) -> None:
    result = cli("smiles", "describe", "C" * 20_000, "--no-model")
    assert result.code == ExitCode.BAD_INPUT and "too large" in result.stderr
    assert len(result.stderr) < 1_000


def test_every_result_is_written_before_the_next_line_is_checked(tmp_path: Path) -> None:
    """A process killed on line 3 (as RDKit's segfault did) has already written lines 1-2."""
    path = tmp_path / "in.smi"
    path.write_text("CCO\nC1CC\nKILL\nCCC\n")
    probe = textwrap.dedent(
        f"""
        import os
        from galcli.verify.smiles import Validator
        from galcli.cli import main
        check = Validator.check
        def dying(self, smiles):
            if smiles == "KILL":
                os._exit(139)
            return check(self, smiles)
        Validator.check = dying
        main(["smiles", "validate", {str(path)!r}])
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV)
    assert done.returncode == 139
    assert done.stdout == "CCO\n" and "in.smi:2: invalid SMILES 'C1CC'" in done.stderr


# -- broken pipes --------------------------------------------------------------------------


def head_one(argv: list[str]) -> tuple[int, bytes, str]:
    """Run `argv | head -1` with real pipes: (galcli's status, head's output, galcli's stderr)."""
    producer = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    head = subprocess.Popen(["head", "-1"], stdin=producer.stdout, stdout=subprocess.PIPE)
    assert producer.stdout is not None and producer.stderr is not None
    producer.stdout.close()  # head alone holds the reading end
    first, _ = head.communicate(timeout=300)
    stderr = producer.stderr.read().decode()
    return producer.wait(timeout=300), first, stderr


@pytest.mark.parametrize(("first", "status"), [("CCO", ExitCode.OK), ("C1CC", ExitCode.FINDINGS)])
def test_validate_into_head_ends_quietly_with_the_status_of_the_work_done(
    tmp_path: Path, first: str, status: ExitCode
) -> None:
    path = tmp_path / "many.smi"
    name = "x" * 2_000  # names are echoed: 300 lines are far more than a pipe's buffer
    path.write_text(f"{first}\nCCO ethanol\n" + f"OCC {name}\n" * 300)
    code, out, stderr = head_one(galcli("smiles", "validate", str(path), "-q"))
    assert out.startswith(b"CCO")
    assert code == status, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert "BrokenPipe" not in stderr and "error" not in stderr.lower()


def test_explain_formula_all_into_head_ends_quietly(tmp_path: Path) -> None:
    tex = tmp_path / "many.tex"
    equations = "\n".join(
        f"\\begin{{equation}} y_{{{i}}} = \\alpha_{{{i}}} x^{{2}} + \\beta_{{{i}}} "
        "\\end{equation}"
        for i in range(600)
    )
    tex.write_text(
        f"\\documentclass{{article}}\n\\begin{{document}}\n{equations}\n\\end{{document}}\n"
    )
    code, out, stderr = head_one(
        galcli("explain-formula", "--all", "-f", str(tex), "--no-model", "-q")
    )
    assert out
    assert code == ExitCode.OK, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert "BrokenPipe" not in stderr


# -- tables and messages -------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_tables_in_other_dialects_are_recognised(cli, tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "table.csv"
    rows = [["name", "smiles", "value"], ["ethanol", "OCC", "1,5"], ["ring", "C1CC", "2,0"]]
    text = "\n".join(delimiter.join(f'"{c}"' if "," in c else c for c in row) for row in rows)
    path.write_text(text + "\n", encoding="utf-8")
    result = cli("smiles", "validate", str(path), "--column", "smiles", "--json")
    assert [(r["line"], r["input"], r["valid"]) for r in result.json_lines()] == [
        (2, "OCC", True),
        (3, "C1CC", False),
    ]


def test_a_header_only_table_says_it_has_no_rows(cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("name,smiles\n", encoding="utf-8")
    result = cli("smiles", "validate", str(path), "--column", "smiles")
    assert result.code == ExitCode.BAD_INPUT
    assert "header but no rows" in result.stderr and "--column" not in result.stderr


def test_describe_never_prints_none(cli) -> None:
    result = cli("smiles", "describe", "*CC*", "--no-model")
    assert result.code == ExitCode.OK
    assert "None" not in result.stdout
    assert "inchikey" in result.stdout and "none (query atoms)" in result.stdout
    doc = cli("smiles", "describe", "*CC*", "--no-model", "--json").json()
    assert doc["properties"]["inchikey"] is None and doc["notes"] == {"inchikey": "query atoms"}


def test_bare_galcli_prints_its_help_on_stdout(cli) -> None:
    result = cli()
    assert result.code == ExitCode.USAGE
    assert result.stdout.startswith("Usage: galcli") and "Commands:" in result.stdout
    assert "error" not in result.stderr
