"""The query workbench's editor (YASGUI, pinned in ``web/package-lock.json``) copied from npm's install into the
package, so the server and the wheel carry it and the page works offline.

``make setup`` runs ``npm ci --ignore-scripts`` in ``web/`` and then ``python -m ipgraph.server.vendor``; the
copied files are not in git (``.gitignore``) but are in the wheel (``artifacts`` in ``pyproject.toml``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

#: Where the server looks for the bundle (inside the installed package).
VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"

#: The files served under ``/static/vendor/``: name → its path inside ``node_modules`` and its media type.
BUNDLE: dict[str, tuple[str, str]] = {
    "yasgui.min.js": ("@zazuko/yasgui/build/yasgui.min.js", "text/javascript; charset=utf-8"),
    "yasgui.min.css": ("@zazuko/yasgui/build/yasgui.min.css", "text/css; charset=utf-8"),
    "yasgui.package.json": ("@zazuko/yasgui/package.json", "application/json"),  # its version and MIT licence
}

#: One line for a page without the bundle: how to install the editor.
INSTALL_HINT = (
    "The SPARQL editor (YASGUI) is not installed: run `make setup` (it needs node and npm) in the ipgraph "
    "checkout to install it; this plain editor works meanwhile."
)


def bundle_present(folder: Path = VENDOR_DIR) -> bool:
    """Whether every file of the bundle is in ``folder``."""
    return all((folder / name).is_file() for name in BUNDLE)


def copy_bundle(node_modules: Path, dest: Path = VENDOR_DIR) -> list[Path]:
    """Copy the bundle's files from an npm install (``node_modules``) into ``dest``; return the copies.

    Raises ``FileNotFoundError`` naming the first missing file (``npm ci`` did not run, or another version).
    """
    missing = [rel for rel, _ in BUNDLE.values() if not (node_modules / rel).is_file()]
    if missing:
        raise FileNotFoundError(f"{node_modules / missing[0]} is missing: run `npm ci --ignore-scripts` in web/")
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for name, (rel, _) in BUNDLE.items():
        target = dest / name
        shutil.copyfile(node_modules / rel, target)
        copied.append(target)
    return copied


def main(argv: list[str]) -> int:
    """``python -m ipgraph.server.vendor [NODE_MODULES [DEST]]``."""
    node_modules = Path(argv[0]) if argv else Path("web/node_modules")
    dest = Path(argv[1]) if len(argv) > 1 else VENDOR_DIR
    try:
        copied = copy_bundle(node_modules, dest)
    except FileNotFoundError as exc:
        print(f"vendor: {exc}", file=sys.stderr)
        return 1
    print(f"vendor: {len(copied)} files of the SPARQL editor copied into {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
