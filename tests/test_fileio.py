from __future__ import annotations

from pathlib import Path

import pytest

from galcli.errors import InputError
from galcli.fileio import atomic_write_text, atomic_writer, check_writable, read_text


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


def test_user_files_get_the_umask_and_need_an_existing_directory(tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "out.svg", "<svg/>", user_file=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.svg").stat().st_mode) == 0o644  # not tempfile's 0600
    missing = tmp_path / "no" / "such" / "out.svg"
    for attempt in (
        lambda: atomic_write_text(missing, "x", user_file=True),
        lambda: check_writable(missing),
    ):
        with pytest.raises(InputError) as raised:
            attempt()
        assert "directory" in raised.value.message and "mkdir -p" in raised.value.hint
    assert not (tmp_path / "no").exists()  # a user's path is never created behind their back
    with pytest.raises(InputError, match="it is a directory"):
        atomic_write_text(tmp_path, "x", user_file=True)
    atomic_write_text(tmp_path / "cache" / "made" / "f.json", "{}")  # galcli's own files: it may
    assert (tmp_path / "cache" / "made" / "f.json").read_text() == "{}"
