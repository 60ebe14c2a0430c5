"""Run the bad-input corpus: every case under tests/examples/cli/ is one ``ipgraph`` command with its expected outcome.

A case file (``<verb>-<what>.yaml``) says what the temporary folder ``{tmp}`` holds, the arguments, the exit code and a
substring of the one line the command must print on standard error::

    # what this case tries (one line)
    args: [describe, "<a b>"]        # argv after `ipgraph`; {tmp}, {root} and {xff} (a byte not UTF-8) are replaced
    setup: build                     # empty (default) | data | build | data+build
    files:                           # optional, relative to {tmp}: text, or {symlink: T}, {fifo: true}, {dir: true},
                                     # or {absent: true} (removed from the setup); a * in a name
                                     # stands for every file of the setup it matches
      build/store/CURRENT: "garbage"
    exit: 2
    stderr: "not a valid IRI"        # stderr is exactly one line containing this
    stdout: "..."                    # optional: a substring of standard output
    unchanged: [build]               # optional: paths under {tmp} byte-identical after the run
    timeout: 60                      # optional, seconds (default 120)

Every case also must print no traceback. The shared setup (a copy of data/ and one built graph) is made once per
session; each case gets its own copy (the dumps hard-linked, the store copied) and runs as
``python -m ipgraph.cli …`` with cwd={tmp}, all cases at once in a few parallel subprocesses.

Run ``python tests/test_cli_examples.py [NAME …]`` to see what cases print (handy while writing one).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow  # every case is a subprocess: about a minute on two cores

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "examples" / "cli"
SETUPS = {"empty": (), "data": ("data",), "build": ("build",), "data+build": ("data", "build")}
KEYS = {"args", "setup", "files", "exit", "stderr", "stdout", "unchanged", "timeout"}
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Case:
    """One command of the corpus and what it must do."""

    name: str
    args: list[str]
    exit: int
    setup: str = "empty"
    files: dict[str, Any] = field(default_factory=dict)
    stderr: str | None = None
    stdout: str | None = None
    unchanged: list[str] = field(default_factory=list)
    timeout: float = DEFAULT_TIMEOUT


@dataclass
class Outcome:
    """What the command did: exit code (None: killed at the time-out), outputs, and the unchanged paths that changed."""

    code: int | None
    out: str
    err: str
    changed: list[str]
    crash_files: list[str]
    seconds: float = 0.0


def load_case(path: Path) -> Case:
    """A case file, checked for the keys and types the format allows."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: a case is a mapping")
    unknown = set(raw) - KEYS
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {sorted(unknown)}")
    args = raw.get("args")
    if not isinstance(args, list) or not all(isinstance(a, str | int | float) for a in args):
        raise ValueError(f"{path.name}: args is a list of strings")
    if not isinstance(raw.get("exit"), int):
        raise ValueError(f"{path.name}: exit is an integer")
    if raw.get("setup", "empty") not in SETUPS:
        raise ValueError(f"{path.name}: setup is one of {sorted(SETUPS)}")
    if raw.get("stderr") is None and raw.get("stdout") is None:
        raise ValueError(f"{path.name}: give the expected message (stderr or stdout)")
    return Case(
        name=path.stem,
        args=[str(a) for a in args],
        exit=raw["exit"],
        setup=raw.get("setup", "empty"),
        files=dict(raw.get("files") or {}),
        stderr=raw.get("stderr"),
        stdout=raw.get("stdout"),
        unchanged=list(raw.get("unchanged") or []),
        timeout=float(raw.get("timeout", DEFAULT_TIMEOUT)),
    )


def all_cases() -> list[Case]:
    """Every case of the corpus, sorted by name."""
    return [load_case(p) for p in sorted(CASES.glob("*.yaml"))]


def _expand(text: str, tmp: Path) -> str:
    """Placeholders: {tmp}, {root}, and {xff} (a byte that is not UTF-8, as Python passes it in argv)."""
    return text.replace("{tmp}", str(tmp)).replace("{root}", str(ROOT)).replace("{xff}", "\udcff")


def make_base(where: Path, built: Path | None = None) -> Path:
    """The shared setup: ``data/`` (a copy of the real data) and ``build/`` (the real data built, or ``built``)."""
    base = where / "base"
    shutil.copytree(ROOT / "data", base / "data")
    if built is not None:
        shutil.copytree(built, base / "build", symlinks=True)
    else:
        from ipgraph.store.build import build

        build(ROOT / "data", base / "build", ROOT / "ontology" / "ipgraph.ttl", validate=False)
    return base


def _link_or_copy(src: str, dst: str) -> None:
    if os.sep + "store" + os.sep in dst:  # the store's files are opened by the database: each case its own copy
        shutil.copy2(src, dst)
    else:
        os.link(src, dst)


def prepare(case: Case, tmp: Path, base: Path) -> None:
    """Lay out ``tmp`` as the case asks: its setup, then its extra files."""
    for part in SETUPS[case.setup]:
        shutil.copytree(base / part, tmp / part, copy_function=_link_or_copy, symlinks=True)
    items: list[tuple[str, Any]] = []
    for rel, content in case.files.items():  # a name with * stands for every file of the setup it matches
        found = sorted(str(p.relative_to(tmp)) for p in tmp.glob(_expand(rel, tmp))) if "*" in rel else [rel]
        assert found, f"{case.name}: {rel} matches no file of the setup"
        items += [(name, content) for name in found]
    for rel, content in items:
        target = tmp / _expand(rel, tmp)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.is_file():
            target.unlink()  # never write through a hard link into the shared setup
        elif target.is_dir() and not (isinstance(content, dict) and content.get("dir")):
            shutil.rmtree(target)
        if isinstance(content, dict):
            if "symlink" in content:
                target.symlink_to(_expand(str(content["symlink"]), tmp))
            elif content.get("fifo"):
                os.mkfifo(target)
            elif content.get("dir"):
                target.mkdir(exist_ok=True)
            elif content.get("absent"):
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
            else:
                raise ValueError(f"{case.name}: unknown file kind {content!r}")
        else:
            target.write_text(_expand(str(content), tmp), encoding="utf-8", errors="surrogateescape")


def _digest(path: Path) -> str:
    """A digest of a file or a whole tree (names, contents, symlink targets)."""
    h = hashlib.sha256()
    if not os.path.lexists(path):
        return "absent"
    paths = [path] if not path.is_dir() or path.is_symlink() else sorted(path.rglob("*"))
    for p in paths:
        h.update(str(p.relative_to(path) if p != path else "").encode())
        mode = p.lstat().st_mode
        if stat.S_ISLNK(mode):
            h.update(b"L" + os.readlink(p).encode())
        elif stat.S_ISREG(mode):
            h.update(b"F" + p.read_bytes())
        else:
            h.update(b"D" if stat.S_ISDIR(mode) else b"O")
    return h.hexdigest()


def run_case(case: Case, tmp: Path, base: Path, crash_dir: Path) -> Outcome:
    """Prepare ``tmp``, run the command in it (its temp dir and $XDG_STATE_HOME: ``crash_dir``), collect what it did."""
    prepare(case, tmp, base)
    before = {rel: _digest(tmp / rel) for rel in case.unchanged}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(TMPDIR=str(crash_dir), XDG_STATE_HOME=str(crash_dir), COLUMNS="100", PYTHONUTF8="1")
    crash_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ipgraph.cli", *(_expand(a, tmp) for a in case.args)],
        cwd=tmp,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=case.timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    changed = [rel for rel in case.unchanged if _digest(tmp / rel) != before[rel]]
    crashes = sorted(str(p.relative_to(crash_dir)) for p in crash_dir.rglob("*") if p.is_file())
    seconds = time.monotonic() - started
    return Outcome(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), changed, crashes, seconds)


def problems(case: Case, outcome: Outcome) -> list[str]:
    """Every way the outcome differs from what the case expects (empty: the case passes)."""
    found = []
    err_lines = outcome.err.splitlines()
    if outcome.code is None:
        found.append(f"still running after {case.timeout:g} s")
    elif outcome.code != case.exit:
        found.append(f"exit {outcome.code}, expected {case.exit}")
    if "Traceback" in outcome.out + outcome.err:
        found.append("printed a traceback")
    if case.stderr is not None or case.exit == 2:
        if len(err_lines) != 1:
            found.append(f"stderr has {len(err_lines)} lines, expected 1")
        if case.stderr is not None and case.stderr not in outcome.err:
            found.append(f"stderr lacks {case.stderr!r}")
    if case.stdout is not None and case.stdout not in outcome.out:
        found.append(f"stdout lacks {case.stdout!r}")
    if outcome.changed:
        found.append(f"changed: {', '.join(outcome.changed)}")
    if outcome.crash_files and case.exit != 3:
        found.append(f"wrote a crash report: {outcome.crash_files[0]}")
    if found:
        found.append(f"stderr was: {outcome.err[-600:]!r}")
    return found


def run_all(cases: list[Case], where: Path, base: Path, workers: int | None = None) -> dict[str, Outcome]:
    """Run ``cases`` in parallel subprocesses, each in its own folder under ``where``."""

    def one(case: Case) -> tuple[str, Outcome]:
        tmp = where / "cases" / case.name
        tmp.mkdir(parents=True)
        return case.name, run_case(case, tmp, base, where / "crash-reports" / case.name)

    with ThreadPoolExecutor(max_workers=workers or min(4, (os.cpu_count() or 2) + 1)) as pool:
        return dict(pool.map(one, cases))


CASE_LIST = all_cases()


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, built: Path
) -> dict[str, Outcome]:
    """The outcome of every selected case, all run at once before the first is checked."""
    params = [getattr(getattr(item, "callspec", None), "params", {}) for item in request.session.items]
    selected = {p["case"].name for p in params if isinstance(p.get("case"), Case)}
    where = tmp_path_factory.mktemp("cli-examples")
    base = make_base(where, built)
    return run_all([c for c in CASE_LIST if c.name in selected], where, base)


@pytest.mark.parametrize("case", CASE_LIST, ids=lambda c: c.name)
def test_cli_example(case: Case, outcomes: dict[str, Outcome]) -> None:
    found = problems(case, outcomes[case.name])
    assert not found, "\n".join(found)


def test_corpus_covers_every_verb() -> None:
    verbs = {"build", "coverage", "validate", "queries", "query", "describe", "export", "docs", "check", "trends"}
    verbs |= {"serve", "push", "viz", "link"}
    named = {c.name.split("-")[0] for c in CASE_LIST}
    assert verbs <= named, f"verbs without a case: {sorted(verbs - named)}"
    assert len(CASE_LIST) >= 200


def test_case_names_say_their_verb() -> None:
    for case in CASE_LIST:
        verb = case.name.split("-")[0]
        first = next((a for a in case.args if not a.startswith("-")), "")
        assert verb in ("ipgraph", first), f"{case.name}: runs {first!r}"


def test_unexpected_exception_is_one_line_naming_a_private_crash_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipgraph import cli, errors

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def boom(_: object) -> int:
        raise ZeroDivisionError("an invented failure\nover two lines")

    assert cli._run(boom, None) == errors.EXIT_BUG == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a bug in ipgraph" in err and "Traceback" not in err
    reports = list((tmp_path / "state" / "ipgraph").iterdir())
    assert len(reports) == 1 and str(reports[0]) in err
    assert "Traceback" in reports[0].read_text() and "ZeroDivisionError" in reports[0].read_text()
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600


def test_crash_file_goes_to_the_temp_dir_without_xdg_state_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipgraph import cli

    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert cli._run(lambda _: 1 // 0, None) == 3
    assert [p.name.startswith("ipgraph-crash-") for p in tmp_path.iterdir()] == [True]
    assert str(tmp_path) in capsys.readouterr().err


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from ipgraph.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["describe"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err == "ipgraph: error: the following arguments are required: term (see: ipgraph describe --help)\n"


def test_interrupt_exits_130(capsys: pytest.CaptureFixture[str]) -> None:
    from ipgraph import cli

    def interrupted(_: object) -> int:
        raise KeyboardInterrupt

    assert cli._run(interrupted, None) == 130


def _main(names: list[str]) -> Iterator[str]:
    cases = [c for c in CASE_LIST if not names or c.name in names or any(n in c.name for n in names)]
    with tempfile.TemporaryDirectory(prefix="cli-examples-") as where:
        base = make_base(Path(where))
        results = run_all(cases, Path(where), base)
        for case in cases:
            outcome = results[case.name]
            found = problems(case, outcome)
            lines = outcome.err.splitlines()
            first = lines[0] if lines else ""
            if "Traceback" in outcome.err:
                first = f"TRACEBACK ({len(lines)} lines) … {lines[-1]}"
            verdict = "ok  " if not found else "FAIL"
            yield f"{verdict} {case.name}: exit {outcome.code} ({outcome.seconds:.1f} s): {first[:300]}"
            if found:
                yield "      " + "; ".join(found[:-1]) + f"; stdout: {outcome.out[:200]!r}"


if __name__ == "__main__":
    for line in _main(sys.argv[1:]):
        print(line, flush=True)
