"""Open a release's report in headless Chromium: screenshots, and a failure on a script error, an empty
chart or a serious accessibility violation; and print a trust's board pack to PDF.

    python -m wres.report.browser [RELEASE_FOLDER] [--out FOLDER]

Checks the England page, indicator 1 in depth, every trust's distribution, and the first
region, ICB and trust (alphabetically). Chromium
runs offline from the files on disk; its console is read for script errors, the page as
rendered (after scripts ran) must hold an SVG in every chart, and axe-core (vendored in
vendor/axe-core) must find no serious or critical violation. Needs Debian's `chromium`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
                  "--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw"]


def available() -> bool:
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


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
    problems += accessibility(page)
    if screenshot is not None:
        shot = _run([f"--screenshot={screenshot}", "--window-size=1280,2400", url])
        if not screenshot.exists() or screenshot.stat().st_size == 0:
            problems.append(f"{page.name}: no screenshot ({shot.stderr.strip()[-300:]})")
    return problems


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# Run axe on the page once its scripts drew the charts; the serious and critical violations are
# written into the page, which Chromium's --dump-dom prints.
AXE_PROBE = """<script src="{axe}"></script>
<script>
window.addEventListener("load", () => setTimeout(() => axe.run(document, {{resultTypes: ["violations"]}})
  .then(r => {{
    const found = r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
      .map(v => ({{id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}}));
    const out = document.createElement("pre"); out.id = "axe-result"; out.textContent = JSON.stringify(found);
    document.body.appendChild(out);
  }}), 500));
</script>"""


def accessibility(page: Path) -> list[str]:
    """Serious and critical axe-core violations of a page, as problems. The page is read through a copy
    beside it (so its relative links resolve) with axe added; the copy is removed after."""
    probe = page.with_name(f".axe-{page.name}")
    html = page.read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", AXE_PROBE.format(axe=AXE.resolve().as_uri()) + "</body>", 1),
                     encoding="utf-8")
    try:
        dom = _run(["--dump-dom", probe.resolve().as_uri()]).stdout
    finally:
        probe.unlink(missing_ok=True)
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dom, flags=re.S)
    if found is None:
        return [f"{page.name}: axe-core did not run"]
    from html import unescape

    return [f"{page.name}: accessibility ({v['impact']}): {v['id']}: {v['help']} ({'; '.join(v['nodes'])})"
            for v in json.loads(unescape(found.group(1)))]


def print_pdf(page: Path, pdf: Path) -> None:
    """Print a page to an A4 PDF as Chromium prints it (the page's print stylesheet), with the times
    and document id Chromium writes replaced by fixed ones of the same length, so the same page gives
    the same bytes wherever it is (offsets in the file stay valid)."""
    # Printed from a copy without its links: Chromium would write each link's absolute file:// address
    # (the folder the release was built in) into the PDF.
    copy = page.with_name(f".print-{page.name}")
    copy.write_text(re.sub(r"<a href=\"[^\"]*\"", "<a", page.read_text(encoding="utf-8")), encoding="utf-8")
    try:
        result = _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", copy.resolve().as_uri()])
    finally:
        copy.unlink(missing_ok=True)
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium printed no PDF of {page} ({result.stderr.strip()[-300:]})")
    data = pdf.read_bytes()
    data = re.sub(rb"\(D:\d{14}", b"(D:19800101000000", data)
    data = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]",
                  lambda m: re.sub(rb"[0-9A-Fa-f](?=[0-9A-Fa-f]*>)", b"0", m.group(0)), data)
    pdf.write_bytes(data)


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
