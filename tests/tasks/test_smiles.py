"""`galcli smiles`: only RDKit-valid SMILES are printed, identity cross-checked between sources."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from galcli.errors import ExitCode
from galcli.tasks.smiles import (
    CONFIRMED,
    CONTRADICTED,
    UNVERIFIED,
    SmilesRequest,
    SmilesResolver,
    smiles_in_answer,
)
from galcli.verify import chemnames
from galcli.verify.chemnames import NameResolutions, Resolution

ETHANOL_KEY = "LFQSCWFLJHTTHZ-UHFFFAOYSA-N"


def names(mapping: dict[str, list[tuple[str, str]]], unavailable=None) -> NameResolutions:
    return NameResolutions(
        {n: [Resolution(src, n, smi) for src, smi in found] for n, found in mapping.items()},
        unavailable or {},
    )


def resolve(name: str, found, model_texts=None, profile="galactica"):
    from galcli.model.fake import FakeBackend

    backend = None
    if model_texts is not None:
        backend = FakeBackend.from_script({"profile": profile, "replies": [{"text": model_texts}]})
    return SmilesResolver(backend, ask_model=True).resolve(
        SmilesRequest(name, n=len(model_texts or [1])), names=names({name: found})
    )


def test_two_sources_agreeing_confirm_a_structure() -> None:
    result = resolve("ethanol", [("opsin", "C(C)O"), ("chemicals", "CCO")])
    [candidate] = result.candidates
    assert candidate.smiles == "CCO" and candidate.inchikey == ETHANOL_KEY
    assert candidate.identity == CONFIRMED and candidate.sources == ["opsin", "chemicals"]
    assert candidate.formula == "C2H6O" and round(candidate.mol_weight, 2) == 46.07


def test_disagreement_contradicts_and_single_sources_are_unverified() -> None:
    result = resolve("x", [("opsin", "CCO"), ("chemicals", "COC")])
    assert {c.identity for c in result.candidates} == {CONTRADICTED}
    assert [c.sources for c in result.candidates] == [["opsin"], ["chemicals"]]  # resolver order
    alone = resolve("x", [("chemicals", "CCO")])
    assert alone.candidates[0].identity == UNVERIFIED


def test_model_candidates_are_validated_and_invalid_ones_rejected() -> None:
    result = resolve("ethanol", [("opsin", "CCO")], ["OCC", "C1CC", "C(C)(C)(C)(C)C"])
    top = result.candidates[0]
    assert top.identity == CONFIRMED and top.sources == ["opsin", "model"]
    reasons = {r.smiles: r.reason for r in result.rejected}
    assert reasons["C1CC"] == "unclosed ring"
    assert "valence" in reasons["C(C)(C)(C)(C)C"].lower()
    assert all(r.source == "model" for r in result.rejected)


def test_a_valid_but_different_model_structure_is_contradicted_and_ranked_last() -> None:
    result = resolve("ethanol", [("opsin", "CCO"), ("chemicals", "CCO")], ["c1ccccc1"])
    assert [c.identity for c in result.candidates] == [CONFIRMED, CONTRADICTED]
    assert result.candidates[1].sources == ["model"]


def test_smiles_in_chat_answers() -> None:
    assert smiles_in_answer("Sure! The SMILES of ethanol is `CCO`.", "chat")[0] == "CCO"
    assert "CC(=O)Oc1ccccc1C(=O)O" in smiles_in_answer("SMILES: CC(=O)Oc1ccccc1C(=O)O", "chat")
    assert smiles_in_answer("CCO", "galactica") == ["CCO"]


def test_chat_model_answer_is_parsed() -> None:
    result = resolve("ethanol", [], ["The SMILES is OCC."], profile="chat")
    [candidate] = result.candidates
    assert (
        candidate.smiles == "CCO"
        and candidate.sources == ["model"]
        and candidate.identity == UNVERIFIED
    )


def test_name_variants() -> None:
    assert chemnames.name_variants("2,2',5-PCB") == ["2,2',5-PCB", "2,2',5-trichloro-1,1'-biphenyl"]
    assert chemnames.name_variants("2,3,5-PCB")[1:] == ["2,3,5-trichloro-1,1'-biphenyl"]
    assert chemnames.name_variants("2,2,5-PCB") == [
        "2,2,5-PCB"
    ]  # repeated locant: a typo, no guess
    assert chemnames.name_variants("Etoposide (148-167,25mg/ml)")[1] == "Etoposide"
    assert chemnames.name_variants("α-pinene")[1] == "alpha-pinene"


def test_chemicals_lookup_refuses_non_names() -> None:
    assert chemnames.chemicals_resolve("") is None
    assert chemnames.chemicals_resolve("caffeine") == "CN1C=NC2=C1C(=O)N(C(=O)N2C)C"
    assert chemnames.chemicals_resolve("CO") is None  # not read as carbon monoxide
    assert chemnames.chemicals_resolve("notachemicalxyz") is None


def test_missing_java_degrades_to_chemicals_with_a_reason(monkeypatch) -> None:
    monkeypatch.setattr(chemnames.shutil, "which", lambda name: None)
    found = chemnames.resolve_names(["ethanol"])
    assert "Java is not installed" in found.unavailable["opsin"]
    assert [r.source for r in found.by_name["ethanol"]] == ["chemicals"]


@pytest.mark.slow
def test_opsin_resolves_in_one_batch() -> None:
    import shutil

    if shutil.which("java") is None:
        pytest.skip("no Java runtime")
    answers = chemnames.opsin_resolve(
        ["ethanol", "notachemicalxyz", "benzene", "ethanol\nmethanol"]
    )
    assert answers[0] == "C(C)O" and answers[1] is None and answers[2] == "C1=CC=CC=C1"
    assert len(answers) == 4


# -- the command ---------------------------------------------------------------------------


def test_cli_name_text_and_json(cli) -> None:
    text = cli("smiles", "caffeine", "--no-model")
    assert text.code == ExitCode.OK
    header, row = text.stdout.splitlines()
    assert header.split("\t")[0] == "smiles"
    assert row.split("\t")[0] == "Cn1c(=O)c2c(ncn2C)n(C)c1=O" and row.split("\t")[5] == "confirmed"
    doc = cli("smiles", "name", "caffeine", "--no-model", "--json").json()
    assert set(doc["candidates"][0]) >= {
        "smiles",
        "sources",
        "identity",
        "formula",
        "mol_weight",
        "exact_mass",
        "inchikey",
    }
    assert doc["rejected"] == [] and doc["model"] is None


def test_cli_model_output_never_prints_invalid_smiles(cli, fake_model) -> None:
    model = fake_model([{"text": ["C1CC", "C(C)(C)(C)(C)C", "xyz"]}])
    result = cli("smiles", "notachemicalatall", "-m", model, "-n", "3")
    assert result.code == ExitCode.FINDINGS and result.stdout == ""
    assert "unclosed ring" in result.stderr and "no valid SMILES" in result.stderr


def test_cli_draw_writes_svg_and_png(cli, tmp_path: Path) -> None:
    svg, png = tmp_path / "m.svg", tmp_path / "m.png"
    assert cli("smiles", "benzene", "--no-model", "--draw", str(svg), "-q").code == 0
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert cli("smiles", "benzene", "--no-model", "--draw", str(png), "-q").code == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    bad = cli("smiles", "benzene", "--no-model", "--draw", str(tmp_path / "m.gif"))
    assert bad.code == ExitCode.USAGE


def test_cli_batch_of_names(cli, tmp_path: Path) -> None:
    batch = tmp_path / "names.txt"
    batch.write_text("ethanol\n\nbenzene\nnotachemicalxyz\n")
    result = cli("smiles", "--batch", str(batch), "--no-model")
    lines = result.json_lines()
    assert [(row["line"], row["query"]) for row in lines] == [
        (1, "ethanol"),
        (3, "benzene"),
        (4, "notachemicalxyz"),
    ]
    assert lines[0]["candidates"][0]["inchikey"] == ETHANOL_KEY and lines[2]["candidates"] == []
    assert result.code == ExitCode.OK  # some names resolved; the others are named on stderr
    assert "line 4: no valid SMILES found for 'notachemicalxyz'" in result.stderr
    assert "2 of 3 names resolved" in result.stderr
    (tmp_path / "blank.txt").write_text("\n  \n")
    empty = cli("smiles", "--batch", str(tmp_path / "blank.txt"), "--no-model")
    assert empty.code == ExitCode.BAD_INPUT and "the batch file has no names" in empty.stderr


def test_cli_empty_name_is_bad_input(cli) -> None:
    assert cli("smiles", "  ", "--no-model").code == ExitCode.BAD_INPUT


def test_describe(cli) -> None:
    doc = cli("smiles", "describe", "CC(=O)Oc1ccccc1C(=O)O", "--no-model", "--json").json()
    facts = doc["properties"]
    assert facts["formula"] == "C9H8O4" and facts["h_bond_donors"] == 1
    assert facts["lipinski_violations"] == 0 and doc["paraphrase"] is None
    assert doc["name"] == "aspirin"
    assert doc["structure"]["functional_groups"] == {"carboxylic acid": 1, "ester": 1}
    bad = cli("smiles", "describe", "C1CC", "--no-model")
    assert bad.code == ExitCode.BAD_INPUT and "unclosed ring" in bad.stderr


MOLECULES = {
    "ethanol": ("CCO", "C2H6O", "Ethanol (CCO) is C2H6O, 46.07 g/mol", "a hydroxyl group"),
    "aspirin": (
        "CC(=O)Oc1ccccc1C(=O)O", "C9H8O4", "Aspirin (CC(=O)Oc1ccccc1C(=O)O) is C9H8O4, 180.16",
        "a carboxylic acid and an ester",
    ),
    "caffeine": (
        "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "C8H10N4O2", "Caffeine (Cn1c(=O)c2c(ncn2C)n(C)c1=O) is "
        "C8H10N4O2", "fused into a ring system",
    ),
    "benzene": ("c1ccccc1", "C6H6", "Benzene (c1ccccc1) is C6H6, 78.11 g/mol", "a benzene ring"),
    "ibuprofen": (
        "CC(C)Cc1ccc(cc1)C(C)C(=O)O", "C13H18O2", "Ibuprofen (CC(C)Cc1ccc(C(C)C(=O)O)cc1) is "
        "C13H18O2", "a stereocentre, unassigned in the SMILES",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(MOLECULES))
def test_descriptions_state_only_computed_facts(cli, name: str) -> None:
    from galcli.verify.faithful import check

    smiles, formula, opening, detail = MOLECULES[name]
    doc = cli("smiles", "describe", smiles, "--json").json()
    assert doc["name"] == name and doc["properties"]["formula"] == formula
    text = doc["description"]
    assert text.startswith(opening) and detail in text
    others = [other for other in MOLECULES if other != name]
    named = text.lower().replace("benzene ring", "ring")  # a ring's kind is not a compound
    assert not any(other in named for other in others)  # no other compound named
    facts = [f"{k} {v}" for k, v in doc["properties"].items()] + [name, smiles]
    assert check(text, [*facts, *doc["structure"]["functional_groups"], text]).ok


def test_describe_keeps_only_checked_model_sentences(cli, fake_model) -> None:
    model = fake_model(
        [
            {
                "text": "Ethanol is C2H6O with a hydroxyl group. "
                "It is also called chromic acid and was found in 1920."
            }
        ],
        profile="chat",
    )
    result = cli("smiles", "describe", "CCO", "--paraphrase", "-m", model)
    assert result.code == ExitCode.OK
    assert "Ethanol is C2H6O with a hydroxyl group." in result.stdout
    assert "chromic" not in result.stdout and "1920" not in result.stdout
    assert "rejected draft sentence: “It is also called chromic acid" in result.stderr
    assert "the year 1920" in result.stderr


# -- validate ------------------------------------------------------------------------------


def test_validate_lines_with_names(cli) -> None:
    result = cli("smiles", "validate", stdin="OCC ethanol\nC1CC\n# comment\n\nc1ccccc1\n")
    assert result.code == ExitCode.FINDINGS
    assert result.stdout == "CCO\tethanol\nc1ccccc1\n"
    assert "<stdin>:2: invalid SMILES 'C1CC': unclosed ring" in result.stderr


def test_validate_json_lines(cli, tmp_path: Path) -> None:
    path = tmp_path / "in.smi"
    path.write_text("CCO\nC(C)(C)(C)(C)C\n")
    rows = cli("smiles", "validate", str(path), "--json").json_lines()
    assert rows[0] == {
        "line": 1,
        "input": "CCO",
        "valid": True,
        "canonical": "CCO",
        "error": None,
        "error_kind": None,
    }
    assert rows[1]["valid"] is False and "valence" in rows[1]["error"]


def test_validate_csv_column(cli, tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('id,smiles,value\n1,CCO,2.0\n2,"C1CC",3\n3,,4\n')
    rows = cli("smiles", "validate", str(path), "--column", "smiles", "--json").json_lines()
    assert [(r["line"], r["valid"]) for r in rows] == [(2, True), (3, False), (4, False)]
    assert rows[2]["error"] == "empty SMILES"
    assert cli("smiles", "validate", str(path), "--column", "SMILES", "--json").json_lines() == rows
    missing = cli("smiles", "validate", str(path), "--column", "smile")
    assert missing.code == ExitCode.BAD_INPUT and "columns are: id, smiles, value" in missing.stderr


def test_validate_reports_a_bad_byte_on_its_own_line_after_writing_what_came_before(
    cli, tmp_path: Path
) -> None:
    path = tmp_path / "big.smi"
    path.write_bytes(b"CCO\n" * 3000 + b"C\xe9C\nCCC\n")
    result = cli("smiles", "validate", str(path))
    assert result.code == ExitCode.BAD_INPUT and "big.smi:3001:2: not valid UTF-8" in result.stderr
    assert result.stdout.count("CCO\n") == 3000  # the block buffer is flushed before the error


def test_validate_a_table_without_column_says_so(cli, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("name,SMILES\neth,CCO\n")
    result = cli("smiles", "validate", str(path))
    assert (
        result.code == ExitCode.FINDINGS and "name its SMILES column with --column" in result.stderr
    )


def test_validate_exit_codes(cli, tmp_path: Path) -> None:
    good = tmp_path / "good.smi"
    good.write_text("CCO\n")
    assert cli("smiles", "validate", str(good)).code == ExitCode.OK
    assert cli("smiles", "validate", str(tmp_path / "nope.smi")).code == ExitCode.BAD_INPUT
    binary = tmp_path / "bin.smi"
    binary.write_bytes(b"CCO\n\xff\xfe\n")
    assert cli("smiles", "validate", str(binary)).code == ExitCode.BAD_INPUT


def test_validate_matches_the_expectations_of_the_tricky_corpus(cli, corpora: Path) -> None:
    path = corpora / "chem" / "invalid_and_tricky_smiles.tsv"
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    result = cli("smiles", "validate", str(path), "--column", "smiles", "--json").json_lines()
    assert len(result) == len(rows) == 49
    for row, checked in zip(rows, result, strict=False):
        if row["expected"] in ("valid", "invalid"):
            assert checked["valid"] is (row["expected"] == "valid"), row["smiles"]
        assert (checked["canonical"] or "") == row["rdkit_canonical"], row["smiles"]


def test_validate_prints_nothing_from_rdkit_itself(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "bad.smi"
    path.write_text("C1CC\nc1cc1\nCFC\n")
    completed = subprocess.run(
        [sys.executable, "-m", "galcli", "smiles", "validate", str(path), "-q"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 1
    assert completed.stderr.count("\n") == 3 and "[" not in completed.stderr.split(":")[0]
    assert "SMILES Parse Error" not in completed.stderr


def test_unknown_names_get_a_did_you_mean_but_no_result(cli) -> None:
    result = cli("smiles", "Napthalene", "--no-model", "--json")
    doc = result.json()
    assert doc["candidates"] == [] or all(
        "opsin" in c["sources"] or "chemicals" in c["sources"] for c in doc["candidates"]
    )
    assert "naphthalene" in doc["did_you_mean"]
    assert "did you mean 'naphthalene'" in result.stderr


def test_validate_several_files(cli, tmp_path: Path) -> None:
    first, second = tmp_path / "a.smi", tmp_path / "b.smi"
    first.write_text("CCO\n")
    second.write_text("C1CC\n")
    result = cli("smiles", "validate", str(first), str(second), "--json")
    rows = result.json_lines()
    assert result.code == ExitCode.FINDINGS
    assert [(Path(r["file"]).name, r["valid"]) for r in rows] == [("a.smi", True), ("b.smi", False)]


def test_validate_empty_input_is_bad_input(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.smi"
    empty.write_text("# only a comment\n\n")
    result = cli("smiles", "validate", str(empty))
    assert result.code == ExitCode.BAD_INPUT and "no SMILES found" in result.stderr
