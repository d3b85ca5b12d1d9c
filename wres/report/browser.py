"""Open a release's report in headless Chromium: screenshots, and a failure on a script error or an empty chart.

    python -m wres.report.browser [RELEASE_FOLDER] [--out FOLDER]

Checks the England page, indicator 1 in depth, every trust's distribution, and the first
region, ICB and trust (alphabetically). Chromium
runs offline from the files on disk; its console is read for script errors, and the page as
rendered (after scripts ran) must hold an SVG in every chart. Needs Debian's `chromium`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
                  "--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    raise SystemExit("no Chromium found: install Debian's package (apt-get install chromium)")


def _run(arguments: list[str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
                              capture_output=True, text=True, timeout=120, check=False)


def check_page(page: Path, screenshot: Path | None = None) -> list[str]:
    """Problems with one page: script errors in the console, charts without an SVG (and no screenshot
    written, when one is asked for)."""
    url = page.resolve().as_uri()
    problems = []
    dom = _run(["--enable-logging=stderr", "--v=0", "--dump-dom", url])
    for line in dom.stderr.splitlines():
        if "CONSOLE" in line and re.search(r"Uncaught|Error", line):
            problems.append(f"{page.name}: script error: {line.strip()[:300]}")
    html = dom.stdout
    if not html.strip():
        problems.append(f"{page.name}: Chromium rendered nothing ({dom.stderr.strip()[-300:]})")
    figures = re.findall(r"<figure class=\"chart\">(.*?)</figure>", html, flags=re.S)
    for number, figure in enumerate(figures, start=1):
        if "No published values to chart" not in figure and "<svg" not in figure:
            problems.append(f"{page.name}: chart {number} is empty")
    if not figures:
        problems.append(f"{page.name}: no chart")
    if screenshot is not None:
        shot = _run([f"--screenshot={screenshot}", "--window-size=1280,2400", url])
        if not screenshot.exists() or screenshot.stat().st_size == 0:
            problems.append(f"{page.name}: no screenshot ({shot.stderr.strip()[-300:]})")
    return problems


def pages_to_check(report: Path) -> list[Path]:
    pages = [report / "index.html", report / "indicator-1.html", report / "distributions.html"]
    for folder in ("regions", "icbs", "trusts"):
        found = sorted((report / folder).glob("*.html"))
        if found:
            pages.append(found[0])
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", nargs="?", type=Path, default=None,
                        help="a release folder (default: the newest under data/published)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the screenshots (default: report_screenshots/<year> beside the releases, "
                             "so a published release is never changed)")
    args = parser.parse_args(argv)
    release = args.release
    if release is None:
        from wres.config import load_settings
        years = sorted(p for p in load_settings().publish_dir.glob("[0-9]*") if p.is_dir())
        if not years:
            raise SystemExit("no release published yet: run `make run` first")
        release = years[-1]
    report = release / "report"
    out = args.out or release.parent / "report_screenshots" / release.name
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    for page in pages_to_check(report):
        shot = out / f"{page.parent.name if page.parent != report else 'england'}-{page.stem}.png"
        found = check_page(page, shot)
        problems += found
        print(f"{'FAIL' if found else 'ok  '} {page.relative_to(report)} -> {shot}")
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
