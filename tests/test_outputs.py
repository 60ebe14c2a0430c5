"""Where ipgraph may write and how a new output is swapped in (:mod:`ipgraph.store.outputs`): nothing a user owns
is lost.

The files and folders "of the user" below are invented for the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from ipgraph.cli import main
from ipgraph.errors import InputError
from ipgraph.store import outputs
from ipgraph.store.outputs import MARKER_FILE, OutputDir, check_dir, check_file, is_ipgraph_file, marked, write_file

ROOT = Path(__file__).resolve().parents[1]
NOTES = "my own notes, not ipgraph's\n"


def tree(path: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``path`` with its bytes (None for folders)."""
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None) for p in sorted(path.rglob("*"))}


def make_output(path: Path, kind: str = "build", text: str = "one") -> Path:
    """A finished output of ``kind`` at ``path``, as ipgraph leaves one."""
    with OutputDir(path, kind) as out:
        tmp = out.begin()
        (tmp / "content.txt").write_text(text)
        out.commit()
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project (data, ontology, a .git folder and a file of the user), the current directory."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "notes.txt").write_text(NOTES)
    monkeypatch.chdir(root)
    return root


# ---------------------------------------------------------------------------------------------- the rule
@pytest.mark.parametrize(
    "out", [".", "", "data", "data/reports", "data/sources", "notes.txt", "ontology", ".git", ".."]
)
def test_build_refuses_what_is_not_its_own_and_deletes_nothing(
    project: Path, out: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(project)
    assert main(["build", "--no-validate", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ipgraph: error: ") and "refusing" in err
    assert tree(project) == before


def test_a_second_build_replaces_the_first_in_the_default_place(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--no-validate"]) == 0
    first = (project / "build" / "manifest.json").read_bytes()
    (project / "build" / "stale.txt").write_text("left by the first build's user")  # replaced with the build
    assert main(["build", "--no-validate"]) == 0
    assert (project / "build" / "manifest.json").read_bytes() == first
    assert not (project / "build" / "stale.txt").exists()
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".build")) == []
    assert (project / "notes.txt").read_text() == NOTES


def test_a_build_from_before_the_marker_is_recognised_and_replaced(tmp_path: Path) -> None:
    legacy = tmp_path / "build"
    (legacy / "store").mkdir(parents=True)
    (legacy / "manifest.json").write_text(json.dumps({"reports": [], "graphs": {}, "counts": {}}))
    assert outputs.output_kind(legacy) == "build"
    make_output(legacy)
    assert (legacy / "content.txt").read_text() == "one" and not (legacy / "store").exists()


def test_folder_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text(NOTES)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.md").write_text("chapter one")
    (tmp_path / "empty").mkdir()
    data = tmp_path / "elsewhere" / "data"
    data.mkdir(parents=True)
    before = tree(tmp_path)
    for bad, says in [
        ("file.txt", "is a file"),
        ("mine", "is not an ipgraph output"),
        (".", "is the current directory"),
        ("..", "holds the current directory"),
        (str(data), "is ipgraph's input"),
        (str(data / "new"), "is inside ipgraph's input"),
        (str(data.parent), "holds ipgraph's input"),
        ("file.txt/build", "is a file"),
    ]:
        with pytest.raises(InputError, match=says):
            check_dir(bad, "build", protect=[data])
    with pytest.raises(InputError, match="empty"):
        check_dir("", "build")
    assert tree(tmp_path) == before
    assert check_dir("new", "build") == tmp_path / "new"
    assert check_dir("empty", "build") == tmp_path / "empty"
    make_output(tmp_path / "site", "viz-site")
    with pytest.raises(InputError, match="is an ipgraph viz site, not a build"):
        check_dir("site", "build")


def test_a_folder_of_viz_pages_is_a_viz_site_but_a_folder_of_builds_is_not(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "charges.html").write_bytes(marked(b"<html><head></head></html>", "html"))
    make_output(pages / "charts", "viz-charts")
    assert outputs.output_kind(pages) == "viz-site"
    (pages / "notes.txt").write_text(NOTES)
    assert outputs.output_kind(pages) is None
    builds = tmp_path / "builds"
    make_output(builds / "a")
    make_output(builds / "b")
    assert outputs.output_kind(builds) is None
    with pytest.raises(InputError, match="is not an ipgraph output"):
        check_dir(builds, "viz-site")


def test_the_project_inputs_are_protected_from_anywhere_below_the_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "data" / "reports")
    with pytest.raises(InputError, match="inside ipgraph's input"):
        check_file(project / "data" / "new.csv")
    with pytest.raises(InputError, match="inside ipgraph's input"):
        check_file(project / "ontology" / "index.html")
    with pytest.raises(InputError, match="holds the current directory"):
        check_dir(project, "build")


def test_file_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text(NOTES)
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    before = tree(tmp_path)
    for bad, says in [
        ("notes.txt", "is not an ipgraph output"),
        ("folder", "is a folder"),
        (".", "is the current directory"),
        ("pipe", "not a regular file"),
        ("notes.txt/x.html", "is a file"),
    ]:
        with pytest.raises(InputError, match=says):
            write_file(bad, b"<html><head></head></html>")
    assert tree(tmp_path) == before
    write_file("new.nq", marked(b"<a> <b> <c> .\n", "nq"))
    write_file("new.nq", marked(b"<a> <b> <d> .\n", "nq"))  # its own file: replaced
    assert (tmp_path / "new.nq").read_bytes().endswith(b"<d> .\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_every_kind_of_file_ipgraph_writes_is_recognised(tmp_path: Path) -> None:
    from ipgraph.query.export import CSV_COLUMNS

    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", bytes(13)) + _chunk(b"IEND", b"")
    files = {
        "a.nt": marked(b"<a> <b> <c> .\n", "nt"),
        "a.ttl": marked(b"@prefix a: <http://a/> .\n", "ttl"),
        "a.html": marked(b"<!DOCTYPE html><html><head><title>x</title></head></html>", "html"),
        "a.svg": marked(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
        "a.png": marked(png, "png"),
        "a.csv": (",".join(CSV_COLUMNS) + "\n").encode(),
        "a.sssom.tsv": b"# curie_map: {}\n# mapping_tool: ipgraph link rdf\nsubject_id\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        assert is_ipgraph_file(tmp_path / name), name
    # the PNG stays a valid PNG: every chunk's CRC matches
    data, at = files["a.png"], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        body = data[at + 4 : at + 8 + length]
        assert zlib.crc32(body) == int.from_bytes(data[at + 8 + length : at + 12 + length], "big")
        at += 12 + length
    for name, data in {"b.csv": b"a,b\n1,2\n", "b.html": b"<html><head></head></html>", "b.png": png}.items():
        (tmp_path / name).write_bytes(data)
        assert not is_ipgraph_file(tmp_path / name), name


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def test_the_verbs_replace_their_own_files(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("nt", "ttl", "jsonld", "csv"):
        out = tmp_path / f"graph.{fmt}"
        assert main(["export", "--build", str(built), "--format", fmt, "-o", str(out)]) == 0
        assert main(["export", "--build", str(built), "--format", fmt, "-o", str(out)]) == 0, fmt
    page = tmp_path / "charges.html"
    assert main(["viz", "charges", "--build", str(built), "-o", str(page)]) == 0
    assert main(["viz", "charges", "--build", str(built), "-o", str(page)]) == 0
    (tmp_path / "mine.html").write_text("<html><head></head><body>mine</body></html>")
    assert main(["export", "--build", str(built), "--format", "ttl", "-o", str(tmp_path / "mine.html")]) == 2
    assert (tmp_path / "mine.html").read_text() == "<html><head></head><body>mine</body></html>"
    capsys.readouterr()


def test_link_into_takes_only_an_ipgraph_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine" / "store").mkdir(parents=True)
    records = tmp_path / "r.jsonl"
    records.write_text('{"meta": {"accusation": ["假冒注册商标"], "relevant_articles": [213]}}\n', encoding="utf-8")
    assert main(["link", "cail", str(records), "--into", str(tmp_path / "mine")]) == 2
    assert "not an ipgraph build" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "mine" / "store").iterdir()] == []


# ---------------------------------------------------------------------------------------------- the swap
def test_exchange_is_atomic_where_the_filesystem_has_it(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not outputs.exchange(a, b):
        pytest.skip("this filesystem cannot exchange two paths")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_a_kill_after_the_swap_leaves_the_new_output_and_the_next_run_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = make_output(tmp_path / "build", text="old")

    def killed(folder: Path) -> None:
        raise SystemExit("killed")  # the process dies before it removes the old output

    monkeypatch.setattr(outputs, "_remove", killed)
    with pytest.raises(SystemExit):
        make_output(out, text="new")
    monkeypatch.undo()
    assert (out / "content.txt").read_text() == "new"
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".build.")]
    assert len(left) == 1 and (left[0] / MARKER_FILE).is_file()
    make_output(out, text="newer")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_without_exchange_a_kill_between_the_two_renames_is_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = make_output(tmp_path / "build", text="old")
    monkeypatch.setattr(outputs, "exchange", lambda a, b: False)
    renames: list[tuple[str, str]] = []
    real_rename = os.rename

    def rename(a: os.PathLike[str], b: os.PathLike[str]) -> None:
        renames.append((os.fspath(a), os.fspath(b)))
        if len(renames) == 2:
            raise SystemExit("killed between the renames")
        real_rename(a, b)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(SystemExit):
        make_output(out, text="new")
    monkeypatch.setattr(os, "rename", real_rename)
    assert not out.exists()  # the fallback's window: the next run repairs it
    with OutputDir(out, "build"):  # entering (the lock held) puts the old one back and removes the leftovers
        assert (out / "content.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
    make_output(out, text="new")  # and the fallback swap works when not killed
    assert (out / "content.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_without_exchange_a_build_from_before_the_marker_is_repaired_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    legacy = tmp_path / "build"
    (legacy / "store").mkdir(parents=True)
    (legacy / "manifest.json").write_text(json.dumps({"reports": ["old"], "graphs": {}}))
    monkeypatch.setattr(outputs, "exchange", lambda a, b: False)
    real_rename = os.rename
    calls: list[int] = []

    def rename(a: os.PathLike[str], b: os.PathLike[str]) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("killed between the renames")
        real_rename(a, b)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(SystemExit):
        make_output(legacy, text="new")
    monkeypatch.setattr(os, "rename", real_rename)
    with OutputDir(legacy, "build"):
        assert json.loads((legacy / "manifest.json").read_text())["reports"] == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_only_ipgraphs_own_leftovers_are_removed(tmp_path: Path) -> None:
    out = make_output(tmp_path / "build")
    killed = tmp_path / ".build.tmp-killed"
    killed.mkdir()
    (killed / MARKER_FILE).write_text(json.dumps({"kind": "build", "complete": False}))
    (killed / "ipgraph.nq").write_text("half written")
    (tmp_path / ".build.tmp-unmarked-empty").mkdir()  # killed between creating and marking it
    foreign = {".build.tmp-mine": "my file", ".build.old-mine": "my other file", ".other.tmp-x": "not build's"}
    for name, text in foreign.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "notes.txt").write_text(text)
    (tmp_path / ".build.tmp-file").write_text("a file, not a folder")
    make_output(out, text="two")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["build", ".build.tmp-file", *foreign])
    for name, text in foreign.items():
        assert (tmp_path / name / "notes.txt").read_text() == text


def test_a_failed_run_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    out = make_output(tmp_path / "build", text="old")
    with pytest.raises(RuntimeError), OutputDir(out, "build") as o:
        (o.begin() / "content.txt").write_text("new")
        raise RuntimeError("checks failed")
    assert (out / "content.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


READER = """
import os, sys
out, stop = sys.argv[1], sys.argv[2]
seen = missing = 0
while not os.path.exists(stop):
    seen += 1
    if not os.path.exists(os.path.join(out, "content.txt")):
        missing += 1
print(seen, missing)
"""


@pytest.mark.slow
def test_a_reader_never_finds_no_output_while_it_is_replaced(tmp_path: Path) -> None:
    out = make_output(tmp_path / "build")
    if not outputs.exchange(tmp_path / "build", tmp_path / "build"):
        pytest.skip("this filesystem cannot exchange two paths")
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        for i in range(200):
            make_output(out, text=str(i))
    finally:
        stop.touch()
        seen, missing = map(int, reader.communicate(timeout=60)[0].split())
    assert seen > 0 and missing == 0
    assert (out / "content.txt").read_text() == "199"


# ---------------------------------------------------------------------------------------------- two at once
HOLDER = """
import sys
from ipgraph.store.outputs import OutputDir
with OutputDir(sys.argv[1], "build") as out:
    out.begin()
    print("holding", flush=True)
    sys.stdin.readline()
    out.commit()
"""


def test_two_writers_of_one_output_one_wins_the_other_says_so(tmp_path: Path) -> None:
    out = make_output(tmp_path / "build", text="old")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        with (
            pytest.raises(InputError, match=f"another ipgraph is writing it \\(pid {holder.pid}\\)"),
            OutputDir(out, "build"),
        ):
            pass
        # the whole command: one line, exit 2, and the holder's work is not disturbed
        cli = subprocess.run(
            [sys.executable, "-m", "ipgraph.cli", "build", "--no-validate", "--data", str(ROOT / "data"), "--out",
             str(out)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert cli.returncode == 2
        assert cli.stderr.count("\n") == 1 and f"another ipgraph is writing it (pid {holder.pid})" in cli.stderr
        assert (out / "content.txt").read_text() == "old"
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    assert not (out / "content.txt").exists() and (out / MARKER_FILE).is_file()  # the holder's (empty) output won
    make_output(out, text="after")  # and the lock is free again, its file gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_a_lock_left_by_a_killed_writer_is_free_again(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        from ipgraph.store.outputs import OutputDir
        out = OutputDir(sys.argv[1], "build")
        out.__enter__()
        print("holding", flush=True)
        sys.stdin.readline()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "build")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        with pytest.raises(InputError, match="another ipgraph"), OutputDir(tmp_path / "build", "build"):
            pass
    finally:
        holder.communicate("\n", timeout=60)
    with OutputDir(tmp_path / "build", "build"):  # the holder is gone (killed, lock file left): free again
        pass
