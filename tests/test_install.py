"""ipgraph as an installed tool: what the wheel carries, and what it does from an empty folder outside the checkout.

The slow tests build the sdist and the wheel (``python -m build``), install the wheel into a fresh virtual
environment (dependencies pinned by requirements.lock), and run the installed ``ipgraph`` from an empty temporary
folder: ``build``, ``queries``, every catalog query (answers compared with the pinned answers read off the
report), ``init`` + ``build --data``, the user's own ``--queries`` and ``link cail`` on a small file written
here. The fast tests check the same features in-process, from the checkout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import yaml

import ipgraph
from ipgraph import resources
from ipgraph.cli import main
from ipgraph.draft.scaffold import init_report
from ipgraph.errors import InputError
from ipgraph.query.catalog import load_catalog, load_query
from ipgraph.reading.schema import check, schema_text

from .conftest import DATA, ONTOLOGY, QUERIES, ROOT

EXPECTED = ROOT / "tests" / "queries"

#: An invented source text (every name and figure in it is made up) for a report of the user's own.
PAPER = (
    "An invented white paper, written only to test ipgraph; every name and figure in it is made up.\n"
    "In 2026 the Lakeside District People's Procuratorate examined 7 invented cases of trademark counterfeiting.\n"
)
#: A fact block on that text: one institution, labelled in English and Chinese.
FACT = """facts:
  - quote: "In 2026 the Lakeside District People's Procuratorate examined 7 invented cases"
    entities:
      - id: inst:lakeside-district-procuratorate
        type: Procuratorate
        label: {en: "Lakeside District People's Procuratorate", zh: "湖畔区人民检察院"}
        definition: "An invented district procuratorate, made up to test ipgraph."
"""
#: Three invented judgment records in CAIL2018's JSON Lines format: a trademark case, a copyright case with two
#: defendants, and a theft (not an IP charge, so it is kept as a finding).
JUDGMENTS = [
    {
        "fact": "虚构案例：被告人甲某在网上出售假冒某品牌的运动鞋。",
        "meta": {
            "relevant_articles": [213],
            "accusation": ["假冒注册商标"],
            "punish_of_money": 20000,
            "criminals": ["甲某"],
            "term_of_imprisonment": {"death_penalty": False, "imprisonment": 18, "life_imprisonment": False},
        },
    },
    {
        "fact": "虚构案例：被告人乙某、丙某复制他人软件并出售牟利。",
        "meta": {
            "relevant_articles": [217],
            "accusation": ["侵犯著作权"],
            "punish_of_money": 5000,
            "criminals": ["乙某", "丙某"],
            "term_of_imprisonment": {"death_penalty": False, "imprisonment": 8, "life_imprisonment": False},
        },
    },
    {
        "fact": "虚构案例：被告人丁某盗窃他人财物。",
        "meta": {
            "relevant_articles": [264],
            "accusation": ["盗窃"],
            "punish_of_money": 1000,
            "criminals": ["丁某"],
            "term_of_imprisonment": {"death_penalty": False, "imprisonment": 6, "life_imprisonment": False},
        },
    },
]
MY_QUERY = """#+ summary: How many procuratorates the graph names (a query of the user's own)
PREFIX ipg: <https://w3id.org/ipgraph/ontology/>
SELECT (COUNT(DISTINCT ?p) AS ?procuratorates) WHERE { ?p a ipg:Procuratorate }
"""


def _norm(value: str) -> str:
    """A CSV cell as compared with the pinned answers: numbers to four decimals, anything else as it is."""
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    return format(d.quantize(Decimal("0.0001")).normalize(), "f") if d == d else value


def _rows(text: str) -> list[list[str]]:
    return [[_norm(c) for c in row] for row in csv.reader(io.StringIO(text))]


def _seed_report(tmp: Path) -> Path:
    """A data folder of the user's own with the invented report, scaffolded by ``init`` and given one fact."""
    (tmp / "paper.txt").write_text(PAPER, encoding="utf-8")
    folder, _ = init_report("lakeside-2026", tmp / "paper.txt", tmp / "data")
    facts = folder / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("facts: []\n", FACT), encoding="utf-8")
    return tmp / "data"


# ------------------------------------------------------------------------------------------ fast, in-process
def test_a_checkout_uses_its_own_folders() -> None:
    assert resources.from_checkout()
    assert Path(resources.home()) == ROOT
    assert Path(resources.ontology_file()) == ONTOLOGY
    assert Path(resources.queries_dir()) == QUERIES
    assert Path(resources.data_dir()) == DATA
    assert resources.describe() == f"the checkout's ontology, data and queries at {ROOT}"


def test_version_is_the_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert version("ipgraph") == ipgraph.__version__
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"ipgraph {ipgraph.__version__}\n"
    run = subprocess.run([sys.executable, "-m", "ipgraph", "--version"], capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stdout) == (0, f"ipgraph {ipgraph.__version__}\n")


def test_own_data_given_again_counts_once() -> None:
    dirs, notes = resources.data_dirs([DATA, Path(os.path.relpath(DATA))])
    assert dirs == [Path(resources.data_dir())]
    assert notes == [f"using {resources.describe()}"]


def test_users_data_is_added_to_ipgraphs(tmp_path: Path) -> None:
    mine = _seed_report(tmp_path)
    dirs, notes = resources.data_dirs([mine])
    assert dirs == [DATA, mine]
    assert notes[1] == f"using your data at {mine}"
    assert resources.data_dirs([mine], bundled=False)[0] == [mine]


def test_a_copy_of_ipgraphs_data_replaces_it(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    dirs, notes = resources.data_dirs([copy])
    assert dirs == [copy]
    assert f"{copy} holds its reports (shanghai-2023) and replaces it" in notes[0]


def test_a_report_id_of_ipgraphs_own_in_part_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "own"
    for rid in ("alpha-2023", "beta-2023"):
        (own / "reports" / rid).mkdir(parents=True)
        (own / "reports" / rid / "report.yaml").write_text(f"id: {rid}\nsource: x.txt\n", encoding="utf-8")
    mine = tmp_path / "mine"
    (mine / "reports" / "beta-2023").mkdir(parents=True)
    (mine / "reports" / "beta-2023" / "report.yaml").write_text("id: beta-2023\nsource: x.txt\n", encoding="utf-8")
    monkeypatch.setattr(resources, "data_dir", lambda: str(own))
    with pytest.raises(InputError, match="report 'beta-2023' is also one of ipgraph's own reports"):
        resources.data_dirs([mine])
    assert resources.data_dirs([mine], bundled=False)[0] == [mine]


def test_no_bundled_needs_data() -> None:
    with pytest.raises(InputError, match="--no-bundled leaves nothing to build"):
        resources.data_dirs([], bundled=False)


def test_init_scaffolds_a_report_that_loads(tmp_path: Path) -> None:
    from ipgraph.reading.facts import load_report

    (tmp_path / "paper.txt").write_text(PAPER, encoding="utf-8")
    folder, copy = init_report("lakeside-2026", tmp_path / "paper.txt", tmp_path / "data")
    assert folder == tmp_path / "data" / "reports" / "lakeside-2026"
    assert sorted(p.name for p in folder.iterdir()) == ["facts.yaml", "report.yaml"]
    assert copy.read_bytes() == PAPER.encode("utf-8")
    for kind in ("report", "facts"):
        text = (folder / f"{kind}.yaml").read_text(encoding="utf-8")
        first = text.splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix)
        schema = Path(first[len(prefix) :])  # the copy installed with ipgraph, the one it checks data against
        assert schema.is_absolute() and schema.name == f"ipgraph-{kind}.schema.json"
        assert schema.read_text(encoding="utf-8") == schema_text(kind)
        check(yaml.safe_load(text), kind, folder / f"{kind}.yaml")  # the scaffold itself conforms
    report = load_report(folder)
    assert (report.id, report.source_path, report.blocks) == ("lakeside-2026", copy.resolve(), [])
    # the same text again for a second report: the copy is shared, not duplicated or refused
    second, copy2 = init_report("lakeside-2027", tmp_path / "paper.txt", tmp_path / "data")
    assert copy2 == copy and second.is_dir()


def test_init_verb_prints_next_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "paper.txt").write_text(PAPER, encoding="utf-8")
    mine = tmp_path / "mine"
    assert main(["init", "lakeside-2026", "--source", str(tmp_path / "paper.txt"), "--data", str(mine)]) == 0
    out = capsys.readouterr().out
    assert f"then: ipgraph build --data {mine}" in out
    assert (mine / "sources" / "paper.txt").is_file()


def test_users_queries_join_the_catalog(tmp_path: Path, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "count-procuratorates.rq").write_text(MY_QUERY, encoding="utf-8")
    catalog = load_catalog([QUERIES, mine])
    assert len(catalog) == len(load_catalog(QUERIES)) + 1
    assert load_query([QUERIES, mine], "count-procuratorates").summary.startswith("How many procuratorates")
    assert main(["queries", "--queries", str(mine)]) == 0
    assert "count-procuratorates\n    How many procuratorates" in capsys.readouterr().out
    args = ["query", "count-procuratorates", "--queries", str(mine), "--build", str(built), "--format", "csv"]
    assert main(args) == 0
    header, value = capsys.readouterr().out.split()
    assert header == "procuratorates" and int(value) >= 2  # the report names several procuratorates


@pytest.mark.slow
def test_build_adds_users_report_or_only_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = _seed_report(tmp_path)
    out = tmp_path / "both"
    assert main(["build", "--data", str(mine), "--out", str(out), "--no-validate"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"using {resources.describe()}\nusing your data at {mine}\nbuilt ")
    assert json.loads((out / "manifest.json").read_text())["reports"] == ["lakeside-2026", "shanghai-2023"]
    alone = tmp_path / "alone"
    assert main(["build", "--data", str(mine), "--no-bundled", "--out", str(alone)]) == 0
    assert json.loads((alone / "manifest.json").read_text())["reports"] == ["lakeside-2026"]


# ------------------------------------------------------------------------------------ slow: the real wheel
@dataclass
class Installed:
    """A fresh virtual environment with the wheel installed, and an empty folder to work in."""

    dist: Path
    venv: Path
    work: Path
    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``ipgraph ARGS`` of the venv, in the work folder, with nothing of the checkout on the path."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        run = subprocess.run(
            [str(self.venv / "bin" / "ipgraph"), *args], cwd=self.work, env=env, capture_output=True, text=True,
            timeout=900,
        )  # fmt: skip
        if check:
            assert run.returncode == 0, f"ipgraph {' '.join(args)}: exit {run.returncode}\n{run.stderr}"
            assert "Traceback" not in run.stderr
        return run


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    tmp = tmp_path_factory.mktemp("install")
    dist, venv, work = tmp / "dist", tmp / "venv", tmp / "work"
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True, timeout=900
    )
    seconds["python -m build (sdist + wheel)"] = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    (wheel,) = dist.glob("ipgraph-*.whl")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", str(ROOT / "requirements.lock")]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True, timeout=1800)
    seconds["venv + wheel install"] = time.perf_counter() - t
    work.mkdir()
    yield Installed(dist, venv, work, seconds)
    print("\n" + "\n".join(f"{k}: {v:.1f}s" for k, v in seconds.items()))


@pytest.mark.slow
def test_dists_carry_what_ipgraph_is(installed: Installed) -> None:
    (wheel,) = installed.dist.glob("ipgraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    folders = ("ontology", "data", "queries", "docs/schema")
    bundled = {f"ipgraph/_bundled/{p.relative_to(ROOT).as_posix()}" for d in folders
               for p in (ROOT / d).rglob("*") if p.is_file()}  # fmt: skip
    assert "ipgraph/_bundled/queries/checks/naming-violation.rq" in bundled
    assert bundled <= names
    for name in sorted(n for n in names if n.startswith("ipgraph/_bundled/data/") and n.endswith(".yaml")):
        first = zipfile.ZipFile(wheel).read(name).decode("utf-8").splitlines()[0]
        if first.startswith("# yaml-language-server: $schema="):  # the schema it names is in the wheel too
            target = os.path.normpath(os.path.join(os.path.dirname(name), first.split("=", 1)[1]))
            assert target in names, (name, first)
    for f in ("py.typed", "__main__.py", "linking/vocabulary.ttl", "viz/assets/viz.js", "viz/assets/viz.css",
              "schemas/ipgraph-facts.schema.json", "schemas/ipgraph-report.schema.json",
              "server/static/workbench.js", "server/static/workbench.css", "server/static/gallery.js"):  # fmt: skip
        assert f"ipgraph/{f}" in names
    from ipgraph.server.vendor import BUNDLE, bundle_present

    if bundle_present():  # the query editor `make setup` installed (not in git) is in the wheel, even via the sdist
        assert {f"ipgraph/server/static/vendor/{n}" for n in BUNDLE} <= names
        found = subprocess.run(
            [str(installed.venv / "bin" / "python"), "-c",
             "from ipgraph.server.vendor import VENDOR_DIR, bundle_present; print(bundle_present(), VENDOR_DIR)"],
            cwd=installed.work, check=True, capture_output=True, text=True, timeout=120,
        ).stdout.split()  # fmt: skip
        assert found[0] == "True" and "site-packages" in found[1], "the installed server has its editor"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    (sdist,) = installed.dist.glob("ipgraph-*.tar.gz")
    top = f"ipgraph-{ipgraph.__version__}"
    with tarfile.open(sdist) as tar:
        members = set(tar.getnames())
    for f in ("pyproject.toml", "requirements.lock", "Makefile", "README.md", "ontology/ipgraph.ttl",
              "ontology/shapes.ttl", "data/reports/shanghai-2023/report.yaml", "queries/checks/naming-violation.rq",
              "src/ipgraph/resources.py", "docs/schema/ipgraph-facts.schema.json", "web/package.json",
              "web/package-lock.json"):  # fmt: skip
        assert f"{top}/{f}" in members


@pytest.mark.slow
def test_installed_builds_lists_and_answers_the_catalog(installed: Installed, built: Path) -> None:
    t = time.perf_counter()
    run = installed.run("build")
    installed.seconds["first ipgraph build (with checks)"] = time.perf_counter() - t
    site = installed.venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    head = f"using the bundled ontology, data and queries of ipgraph {ipgraph.__version__} ({site}/ipgraph/_bundled)"
    assert run.stdout.startswith(head + "\nbuilt " + str(installed.work / "build"))
    assert "checks passed: 2/2" in run.stdout
    # the bundled data is the checkout's: the installed build's dump is the checkout build's, byte for byte
    assert (installed.work / "build" / "ipgraph.nq").read_bytes() == (built / "ipgraph.nq").read_bytes()

    listed = installed.run("queries").stdout
    count = len(load_catalog(QUERIES))
    assert listed.endswith(f"\n{count} queries; run one with: ipgraph query NAME [--param key=value]\n")

    script = installed.work.parent / "every-query.py"
    script.write_text(
        "import contextlib, io, json, sys\n"
        "from ipgraph import resources\nfrom ipgraph.query.catalog import load_catalog\nfrom ipgraph.cli import main\n"
        "answers = {}\n"
        "for name in load_catalog(resources.queries_dir()):\n"
        "    out, err = io.StringIO(), io.StringIO()\n"
        "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        "        code = main(['query', name, '--format', 'csv'])\n"
        "    answers[name] = [code, out.getvalue(), err.getvalue()]\n"
        "json.dump(answers, sys.stdout)\n",
        encoding="utf-8",
    )
    answers = json.loads(
        subprocess.run([str(installed.venv / "bin" / "python"), str(script)], cwd=installed.work, check=True,
                       capture_output=True, text=True, timeout=900).stdout
    )  # fmt: skip
    assert sorted(answers) == sorted(load_catalog(QUERIES))
    compared = 0
    for name, (code, out, err) in answers.items():
        assert code in (0, 1), f"{name}: exit {code}: {err}"
        if name.startswith("link-"):  # answered over linked judgments: test_link_queries.py
            continue
        expected = _rows((EXPECTED / f"{name}.expected.csv").read_text(encoding="utf-8"))
        got = _rows(out)
        assert got[0] == expected[0], name
        assert sorted(got[1:]) == sorted(expected[1:]), name
        compared += 1
    assert compared >= 100


@pytest.mark.slow
def test_installed_init_then_build_with_users_data(installed: Installed) -> None:
    work = installed.work
    (work / "paper.txt").write_text(PAPER, encoding="utf-8")
    run = installed.run("init", "lakeside-2026", "--source", "paper.txt")
    assert run.stdout.startswith("created data/reports/lakeside-2026/ (report.yaml, facts.yaml) and data/sources/")
    facts = work / "data" / "reports" / "lakeside-2026" / "facts.yaml"
    first = facts.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(f"# yaml-language-server: $schema={installed.venv}/lib/")  # the installed copy
    assert Path(first.split("=", 1)[1]).is_file()
    facts.write_text(facts.read_text(encoding="utf-8").replace("facts: []\n", FACT), encoding="utf-8")
    again = installed.run("init", "lakeside-2026", "--source", "paper.txt", check=False)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "already exists" in again.stderr

    run = installed.run("build", "--data", "data", "--out", "mine")
    assert "\nusing your data at data\n" in run.stdout and "checks passed: 2/2" in run.stdout
    manifest = json.loads((work / "mine" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"] == ["lakeside-2026", "shanghai-2023"]
    query = "SELECT ?l WHERE { inst:lakeside-district-procuratorate rdfs:label ?l } ORDER BY ?l"
    labels = installed.run("query", "--build", "mine", "-e", query, "--format", "csv").stdout.splitlines()
    assert labels == ["l", "Lakeside District People's Procuratorate", "湖畔区人民检察院"]

    installed.run("build", "--data", "data", "--no-bundled", "--out", "alone")
    assert json.loads((work / "alone" / "manifest.json").read_text())["reports"] == ["lakeside-2026"]

    (work / "my-queries").mkdir()
    (work / "my-queries" / "count-procuratorates.rq").write_text(MY_QUERY, encoding="utf-8")
    assert "count-procuratorates\n" in installed.run("queries", "--queries", "my-queries").stdout
    out = installed.run("query", "count-procuratorates", "--queries", "my-queries", "--build", "alone").stdout
    assert out.split()[-1] == "1"  # the user's report names one procuratorate


@pytest.mark.slow
def test_installed_links_judgments(installed: Installed) -> None:
    work = installed.work
    if not (work / "build" / "store").is_dir():
        installed.run("build", "--no-validate")
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in JUDGMENTS)
    (work / "judgments.jsonl").write_text(lines, encoding="utf-8")
    run = installed.run("link", "cail", "judgments.jsonl", "--into", "build")
    assert run.stdout.startswith("linked 3 records of judgments.jsonl")
    assert "盗窃" in run.stdout  # a charge that is not ipgraph's: reported, kept as a finding
    per_charge = installed.run("query", "link-judgments-per-charge", "--format", "csv").stdout
    table = list(csv.DictReader(io.StringIO(per_charge)))
    counts = {r["charge"]: r["judgments"] for r in table}
    assert counts["charge:art-213-counterfeiting-registered-trademark"] == "1"
    assert counts["charge:art-217-copyright-infringement"] == "1"
    assert counts["charge:art-214-selling-counterfeit-trademark-goods"] == "0"
