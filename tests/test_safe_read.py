"""Inputs are read safely and nothing is silently dropped: FIFOs, devices, oversize files, unlistable folders,
``*.yml`` fact files, alias bombs and deep nesting each fail fast with one line.

Cases that would hang or exhaust memory if the protection regressed run in a subprocess with a time-out and (for the
alias bomb) a memory cap, so that a regression fails the test instead of the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ipgraph.cli import main
from ipgraph.errors import InputError
from ipgraph.reading import safe_read
from ipgraph.reading.facts import find_report_folders, load_report
from ipgraph.reading.source import SourceText

from .conftest import DATA, ONTOLOGY, ROOT

BOMB = (
    "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9 if prev else ['lol'] * 9)}]\n"
        for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
    )
    + "facts: []\n"
)


def copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def build(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--ontology", str(ONTOLOGY),
                 "--no-validate", "--no-bundled"])  # fmt: skip
    err = capsys.readouterr().err
    return code, err


def run_isolated(code: str, *, memory_mb: int = 1024, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run Python code in a subprocess with an address-space cap and a time-out."""
    limit = memory_mb * 1024 * 1024
    prelude = f"import resource\nresource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def one_line_error(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("ipgraph: error: "), err
    assert "Traceback" not in err
    return err


# ------------------------------------------------------------------ the reader itself
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "source.txt"
    os.mkfifo(fifo)
    result = run_isolated(
        "from ipgraph.reading.source import SourceText\n"
        "from ipgraph.errors import InputError\n"
        f"try:\n    SourceText.from_file(__import__('pathlib').Path({str(fifo)!r}))\n"
        "except InputError as e:\n    print(e)\n",
        timeout=30,
    )
    assert "cannot read the source text: it is a FIFO (named pipe), not a regular file" in result.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused() -> None:
    with pytest.raises(InputError, match="it is a character device, not a regular file"):
        SourceText.from_file(Path("/dev/zero"))


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="it is a folder, not a regular file"):
        safe_read.read_bytes(tmp_path, 10, "a file")


def test_an_oversize_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "part-9.yaml"
    with big.open("wb") as f:
        f.truncate(safe_read.YAML_LIMIT + 1)  # sparse: no disk, no memory
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "report.yaml").write_text("id: r\nsource: s.txt\n", encoding="utf-8")
    big.rename(folder / big.name)
    with pytest.raises(InputError) as info:
        load_report(folder)
    assert "cannot read a fact file: it is 5 MB, over the limit of 5 MB" in str(info.value)


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"x" * 100)
    assert safe_read.read_bytes(path, 100, "a text") == b"x" * 100
    with pytest.raises(InputError, match="over the limit of 99 bytes"):
        safe_read.read_bytes(path, 99, "a text")


def test_the_source_text_named_by_report_yaml_is_read_safely(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy_data(tmp_path)
    other = data / "reports" / "zero"
    other.mkdir()
    (other / "report.yaml").write_text("id: zero\nsource: /dev/zero\n", encoding="utf-8")
    code, err = build(data, tmp_path, capsys)
    assert code == 2
    assert "/dev/zero: cannot read the source text: it is a character device" in one_line_error(err)


# ------------------------------------------------------------------ nothing silently dropped
def test_an_unlistable_report_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 111 (enter, not list) used to build "successfully" with the folder's fact files left out."""
    data = copy_data(tmp_path)
    folder = data / "reports" / "shanghai-2023"
    real_listdir = os.listdir

    def listdir(path: os.PathLike[str] | str = ".") -> list[str]:
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    code, err = build(data, tmp_path, capsys)
    assert code == 2
    assert f"{folder}: cannot list the folder: Permission denied" in one_line_error(err)
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_an_unlistable_report_folder_is_an_error_for_real(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    folder = data / "reports" / "shanghai-2023"
    folder.chmod(0o111)
    try:
        with pytest.raises(InputError, match="cannot list the folder"):
            load_report(folder)
    finally:
        folder.chmod(0o755)


def test_an_unlistable_reports_folder_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy_data(tmp_path)
    real_listdir = os.listdir
    monkeypatch.setattr(
        os, "listdir", lambda p=".": (_ for _ in ()).throw(PermissionError(13, "Permission denied", str(p)))
        if Path(p) == data / "reports" else real_listdir(p)
    )  # fmt: skip
    with pytest.raises(InputError, match="cannot list the folder: Permission denied"):
        find_report_folders(data)


@pytest.mark.parametrize("name", ["part-7.yml", "part-7.YAML", "part-7.Yml"])
def test_a_yml_fact_file_is_refused_with_the_name_to_give_it(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy_data(tmp_path)
    (data / "reports" / "shanghai-2023" / name).write_text("facts: []\n", encoding="utf-8")
    code, err = build(data, tmp_path, capsys)
    assert code == 2
    assert f"{name}: fact files end in .yaml: rename it part-7.yaml" in one_line_error(err)


def test_other_files_and_dot_files_are_left_alone(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    folder = data / "reports" / "shanghai-2023"
    (folder / "README.md").write_text("notes\n", encoding="utf-8")
    (folder / ".part-1-2.yaml.swp").write_bytes(b"\x00\x01")
    (data / "reports" / "README.md").write_text("notes\n", encoding="utf-8")
    assert find_report_folders(data) == [folder]
    assert len(load_report(folder).blocks) == len(load_report(DATA / "reports" / "shanghai-2023").blocks)


def test_a_report_folder_without_report_yaml_and_a_sub_folder_are_errors(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / "reports" / "new" / "part-1.yaml").parent.mkdir()
    (data / "reports" / "new" / "part-1.yaml").write_text("facts: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no report\.yaml in report folder"):
        load_report(find_report_folders(data)[0])
    sub = data / "reports" / "shanghai-2023" / "drafts"
    sub.mkdir()
    with pytest.raises(InputError, match="a report folder holds no sub-folders"):
        load_report(data / "reports" / "shanghai-2023")


def test_an_empty_fact_file_is_an_error_not_a_file_without_facts(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / "reports" / "shanghai-2023" / "part-1-2.yaml").write_text("", encoding="utf-8")  # as if truncated
    with pytest.raises(InputError, match=r"a fact file is empty \(write 'facts: \[\]'"):
        load_report(data / "reports" / "shanghai-2023")


# ------------------------------------------------------------------ YAML bombs
def test_an_alias_bomb_is_refused_at_the_first_alias_without_memory_or_time(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    result = run_isolated(
        "from ipgraph.reading.yamlread import load_file\nfrom ipgraph.errors import InputError\n"
        f"try:\n    load_file({str(bomb)!r})\nexcept InputError as e:\n    print(e)\n",
        memory_mb=512,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout == f"{bomb}:2:8: aliases (*a) are not allowed in data files: write the value out\n"


def test_the_alias_bomb_through_the_cli_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(tmp_path)
    (data / "reports" / "shanghai-2023" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    code, err = build(data, tmp_path, capsys)
    assert code == 2
    assert "bomb.yaml:2:8: aliases (*a) are not allowed" in one_line_error(err)


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_deep_nesting_is_refused(opening: str) -> None:
    from ipgraph.reading.yamlread import MAX_DEPTH, loads

    closing = "]" if opening == "[" else "}"
    text = "facts: " + opening * 10_000 + closing * 10_000 + "\n"
    with pytest.raises(InputError) as info:
        loads(text, "deep.yaml")
    error = info.value
    assert error.message == f"nested more than {MAX_DEPTH} levels deep"
    assert error.line == 1 and error.column is not None
    assert text[: error.column - 1].count(opening[0]) == MAX_DEPTH - 1  # it stops where the limit is passed


def test_nesting_within_the_limit_is_accepted() -> None:
    from ipgraph.reading.yamlread import MAX_DEPTH, loads

    depth = MAX_DEPTH - 1  # the root mapping is one level
    node = loads("a: " + "[" * depth + "]" * depth)["a"]
    for _ in range(depth - 1):
        node = node[0]
    assert node == []


@pytest.mark.parametrize(("text", "message"), [
    ("a: " + "9" * 5000, "1:4: a number of more than 40 characters"),
    ("a: .nan", "1:4: .nan is not a finite number"),
    ("a: !!binary aGk=", "1:4: unsupported tag tag:yaml.org,2002:binary"),
    ("a: !!python/object:os.system x", "1:4: unsupported tag"),
    ("? [a]\n: b", "1:3: a key must be a plain text"),
    ("1: x", "1:1: the key '1' must be a text: put it in quotes"),
    ("a: 1\na: 2", "2:1: duplicate key 'a'"),
    ("a: 1\n---\nb: 2\n", "malformed YAML: expected a single document"),
])  # fmt: skip
def test_what_data_never_needs_is_refused(text: str, message: str) -> None:
    from ipgraph.reading.yamlread import loads

    with pytest.raises(InputError) as info:
        loads(text, "x.yaml")
    assert message in str(info.value)


def test_a_date_stays_text() -> None:
    from ipgraph.reading.yamlread import loads

    assert loads("period: 2023-01-01") == {"period": "2023-01-01"}


# ------------------------------------------------------------------ link rdf
def test_rdf_xml_with_nested_entities_is_refused_before_parsing(tmp_path: Path) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    rdf = tmp_path / "o.rdf"
    rdf.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [{entities}]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        '<rdf:Description rdf:about="http://x/a"><rdfs:label>&h;</rdfs:label></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    result = run_isolated(
        "from pathlib import Path\nfrom ipgraph.linking.rdf import read_source\nfrom ipgraph.errors import InputError\n"
        f"try:\n    read_source(Path({str(rdf)!r}))\nexcept InputError as e:\n    print(e)\n",
        memory_mb=1024,
        timeout=60,
    )
    assert result.stdout == f"{rdf}:2: XML with a DTD (<!DOCTYPE>) is refused: its entities can expand without bound\n"


def test_rdf_xml_without_a_dtd_is_read(tmp_path: Path) -> None:
    from ipgraph.linking.rdf import read_source

    rdf = tmp_path / "o.rdf"
    rdf.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        '<rdf:Description rdf:about="http://x/a"><rdfs:label xml:lang="en">Patents</rdfs:label>'
        "</rdf:Description></rdf:RDF>\n",
        encoding="utf-8",
    )
    entities = read_source(rdf)
    assert entities["http://x/a"].labels == {"en": [("Patents", True)]}


def test_a_fifo_given_to_link_rdf_is_refused(tmp_path: Path) -> None:
    from ipgraph.linking.rdf import read_source

    fifo = tmp_path / "o.ttl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="cannot read the RDF file: it is a FIFO"):
        read_source(fifo)
