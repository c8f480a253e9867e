"""Property test: `smiles validate` on pathological lines never crashes and loses no line.

Very long chains (past the size guard and just under it), deep branches, many rings, bracket
atoms, ring-bond digits, whitespace and arbitrary bytes. Every non-blank, non-comment line before
the first byte that is not UTF-8 gets exactly one result: a canonical SMILES on stdout, or a
FILE:LINE diagnosis on stderr.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from galcli.errors import ExitCode

SIZES = st.sampled_from([1, 7, 300, 1_999, 2_000, 2_001, 6_000, 25_000])

chains = SIZES.map(lambda n: "C" * n)
branches = SIZES.map(lambda n: "C(" * (n // 2) + "C" + ")" * (n // 2))
unbalanced = SIZES.map(lambda n: "C(" * n)
rings = SIZES.map(lambda n: "c1ccccc1" * max(1, n // 6))
ring_digits = SIZES.map(lambda n: "C1" + "".join(f"C{i % 9 + 1}" for i in range(n)))
brackets = SIZES.map(lambda n: "[13CH2]" * n)
alphabet = st.text(alphabet="CNOcnos()[]=#@+-123456789%/\\.*Hl", min_size=1, max_size=200)
noise = st.text(min_size=1, max_size=60).map(lambda t: t.replace("\n", " ").replace("\r", " "))
line = st.one_of(chains, branches, unbalanced, rings, ring_digits, brackets, alphabet, noise)
raw_bytes = st.binary(min_size=1, max_size=40).filter(lambda b: b"\n" not in b)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(st.one_of(line.map(str.encode), raw_bytes), min_size=1, max_size=6))
def test_validate_never_crashes_and_loses_no_line(cli, tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "fuzz.smi"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = cli("smiles", "validate", str(path), "-q")
    expected = 0
    bad_bytes = False
    for raw in lines:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            bad_bytes = True
            break
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            expected += 1
    problems = [p for p in result.stderr.splitlines() if "invalid SMILES" in p]
    written = result.stdout.splitlines()
    assert len(written) + len(problems) == expected, (result.stdout, result.stderr)
    if bad_bytes:
        assert result.code == ExitCode.BAD_INPUT and "not valid UTF-8" in result.stderr
    elif expected == 0:
        assert result.code == ExitCode.BAD_INPUT and "no SMILES found" in result.stderr
    else:
        assert result.code == (ExitCode.FINDINGS if problems else ExitCode.OK), result.stderr
