"""`make screenshots`: every page type of tests/pages.py at 390×844 and 1280×800, as PNGs in build/screenshots/.

For each page type and width: <page>-<width>.png (the first screen, what a person sees before scrolling) and
<page>-<width>-full.png (the whole page). The demo site is built afresh with the real CLI in a temporary folder; the
kiosk, hub and report get the same data as in the look tests (tests/test_look.py).

`--readme` also refreshes the few pictures the README shows, in tests/screenshots/: first screens at one device pixel
per CSS pixel, so that each stays small (PNG, under 150 KB; JPEG at quality 80 if a PNG would be larger).

    python3 -m tests.screenshots [--out build/screenshots] [--readme]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import ROOT, chromium
from tests.pages import PAGES, SCREENSHOT_SIZES, build_demo, open_page, servers

README_DIR = ROOT / "tests" / "screenshots"
README_SHOTS = [("station-kiosk", 390), ("finder-near", 390), ("kiosk-form", 1280), ("report", 1280)]
README_MAX_BYTES = 150_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "screenshots"), help="folder for the PNGs")
    parser.add_argument("--readme", action="store_true", help="also refresh the README's pictures in tests/screenshots/")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="yizhan-shots-") as tmp:
        project = build_demo(Path(tmp))
        with servers(project, Path(tmp) / "data") as up, chromium() as browser:
            for p in PAGES:
                for width in SCREENSHOT_SIZES:
                    ctx, page = open_page(browser, up, p, width)
                    try:
                        page.screenshot(path=out / f"{p.name}-{width}.png", animations="disabled", caret="hide")
                        page.screenshot(path=out / f"{p.name}-{width}-full.png", full_page=True, animations="disabled", caret="hide")
                        if args.readme and (p.name, width) in README_SHOTS:
                            readme_shot(page, f"{p.name}-{width}")
                    finally:
                        ctx.close()
    n = len(PAGES) * len(SCREENSHOT_SIZES)
    print(
        f"Wrote {2 * n} screenshots ({n} page types × sizes, first screen and whole page) to {out} in {time.perf_counter() - start:.0f} s."
    )
    return 0


def readme_shot(page: object, name: str) -> Path:
    """The first screen at CSS pixels into tests/screenshots/NAME.png (or .jpg when the PNG would be too big)."""
    README_DIR.mkdir(parents=True, exist_ok=True)
    png = README_DIR / f"{name}.png"
    data = page.screenshot(scale="css", animations="disabled", caret="hide")  # type: ignore[attr-defined]
    if len(data) <= README_MAX_BYTES:
        png.write_bytes(data)
        return png
    jpg = README_DIR / f"{name}.jpg"
    jpg.write_bytes(page.screenshot(scale="css", type="jpeg", quality=80, animations="disabled", caret="hide"))  # type: ignore[attr-defined]
    print(f"{name}: the PNG would be {len(data):,} bytes; wrote {jpg.name} instead", file=sys.stderr)
    return jpg


if __name__ == "__main__":
    sys.exit(main())
