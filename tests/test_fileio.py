from __future__ import annotations

from pathlib import Path

import pytest

from galcli.errors import InputError
from galcli.fileio import atomic_writer, read_text


def test_atomic_writer_replaces_the_file_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.tex"
    target.write_text("old")
    with atomic_writer(target) as handle:
        handle.write("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tex"]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_atomic_writer_leaves_the_old_file_on_failure(tmp_path: Path, exc: BaseException) -> None:
    target = tmp_path / "out.tex"
    target.write_text("old")
    with pytest.raises(type(exc)):
        with atomic_writer(target) as handle:
            handle.write("half a fi")
            raise exc
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tex"]


def test_missing_file_error_has_location_and_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_text(tmp_path / "nope.tex", what="LaTeX file")
    assert str(info.value) == f"{tmp_path / 'nope.tex'}: LaTeX file not found"
    assert info.value.hint


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path)


def test_non_utf8_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes("ok line\nna\xefve".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_text(path)
    assert (info.value.location.line, info.value.location.column) == (2, 3)


def test_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.tex"
    path.write_bytes("\ufeff\\cite{a}".encode())
    assert read_text(path) == "\\cite{a}"
