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
import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
                  "--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw"]

# Driven over DevTools, the page is awaited for itself: virtual time would stop its timers.
DEVTOOLS_FLAGS = [flag for flag in CHROMIUM_FLAGS if not flag.startswith(("--virtual-time-budget", "--run-all"))]


def available() -> bool:
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    raise SystemExit("no Chromium found: install Debian's package (apt-get install chromium)")


def _run(arguments: list[str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([chromium(), *DEVTOOLS_FLAGS, f"--user-data-dir={profile}", *arguments],
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
# The serious and critical violations axe-core finds once the page's scripts drew its charts, as JSON.
AXE_RUN = """axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))"""


def accessibility(page: Path) -> list[str]:
    """Serious and critical axe-core violations of a page, as problems. The page is read through a copy
    beside it (so its relative links resolve) with axe added; the copy is removed after. Run over
    DevTools and awaited: axe's own timers would outlast a virtual-time budget."""
    probe = page.with_name(f".axe-{page.name}")
    html = page.read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", f'<script src="{AXE.resolve().as_uri()}"></script></body>', 1),
                     encoding="utf-8")
    try:
        with DevTools() as browser:
            found = browser.evaluate(probe.resolve().as_uri(), AXE_RUN)
    except RuntimeError as error:
        return [f"{page.name}: axe-core did not run ({error})"]
    finally:
        probe.unlink(missing_ok=True)
    return [f"{page.name}: accessibility ({v['impact']}): {v['id']}: {v['help']} ({'; '.join(v['nodes'])})"
            for v in json.loads(found)]


def print_pdf(page: Path, pdf: Path) -> None:
    """Print one page to an A4 PDF; see `print_pdfs`."""
    print_pdfs([(page, pdf)])


def print_pdfs(pages: list[tuple[Path, Path]]) -> None:
    """Print each (page, pdf) to an A4 PDF as Chromium prints it (the page's print stylesheet), all
    through one headless Chromium driven over its DevTools pipe (starting Chromium is most of the time
    a page takes on its own). The times and document id Chromium writes are replaced by fixed ones of
    the same length, so the same page gives the same bytes wherever it is (offsets stay valid)."""
    if not pages:
        return
    with DevTools() as browser:
        for start in range(0, len(pages), AT_ONCE):
            batch = pages[start:start + AT_ONCE]
            # Printed from copies without their links: Chromium would write each link's absolute
            # file:// address (the folder the release was built in) into the PDF.
            copies = [page.with_name(f".print-{page.name}") for page, _ in batch]
            try:
                for (page, _), copy in zip(batch, copies, strict=True):
                    copy.write_text(re.sub(r"<a href=\"[^\"]*\"", "<a", page.read_text(encoding="utf-8")),
                                    encoding="utf-8")
                printed = browser.print_to_pdf([copy.resolve().as_uri() for copy in copies])
            finally:
                for copy in copies:
                    copy.unlink(missing_ok=True)
            for (page, pdf), data in zip(batch, printed, strict=True):
                if not data.startswith(b"%PDF-"):
                    raise RuntimeError(f"Chromium printed no PDF of {page}")
                pdf.write_bytes(_fixed(data))


def _fixed(pdf: bytes) -> bytes:
    """A PDF with what Chromium writes differently each time made fixed, each by a text of the same
    length (so the offsets in the file stay valid): the times, the document id, and the ids of the
    tagged structure's nodes. Those count the nodes the renderer numbered, which depends on what else
    it drew; they are renumbered in their order (their sort order, which the PDF's id tree relies on,
    is kept)."""
    pdf = re.sub(rb"\(D:\d{14}", b"(D:19800101000000", pdf)
    pdf = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]",
                 lambda m: re.sub(rb"[0-9A-Fa-f](?=[0-9A-Fa-f]*>)", b"0", m.group(0)), pdf)
    found = sorted(set(re.findall(rb"\(node(\d+)\)", pdf)), key=int)
    rank = {old: str(k).zfill(len(old)).encode() for k, old in enumerate(found, start=1)}
    return re.sub(rb"\(node(\d+)\)", lambda m: b"(node" + rank[m.group(1)] + b")", pdf)


# Pages printed at the same time, each in a tab of its own (one per core here).
AT_ONCE = 2


def _above_nine(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


# Resolves once Vega drew an SVG in every chart of the page (or after 10 s, when one never draws).
CHARTS_DRAWN = """new Promise(done => { const start = Date.now(); (function check() {
  const charts = [...document.querySelectorAll("div.vega")];
  if (charts.every(chart => chart.querySelector("svg")) || Date.now() - start > 10000) done(true);
  else setTimeout(check, 20); })(); })"""


class DevTools:
    """One headless Chromium spoken to over `--remote-debugging-pipe`: the Chrome DevTools Protocol as
    NUL-terminated JSON, commands written to the browser's descriptor 3, answers read from its 4."""

    TIMEOUT = 120.0

    def __enter__(self) -> DevTools:
        self._profile = tempfile.TemporaryDirectory()
        to_browser, self._commands = os.pipe()
        self._answers, from_browser = os.pipe()
        # Above 9 (bash, not sh, takes such numbers), so that moving them to 3 and 4 never closes one.
        to_browser, from_browser = (_above_nine(fd) for fd in (to_browser, from_browser))
        self._process = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{to_browser} 4>&{from_browser} {to_browser}<&- {from_browser}>&-', "bash",
             chromium(), *DEVTOOLS_FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe",
             "about:blank"],
            pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        self._answered: dict[int, dict] = {}
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._send("Browser.close", {})
        except (OSError, RuntimeError):
            pass
        os.close(self._commands)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._answers)
        self._profile.cleanup()

    def print_to_pdf(self, urls: list[str]) -> list[bytes]:
        """The PDFs of a few pages, each in a tab of its own, printed at the same time."""
        with self._opened(urls) as sessions:
            answers = self._each("Page.printToPDF", [{"preferCSSPageSize": True, "displayHeaderFooter": False,
                                                      "printBackground": False} for _ in urls], sessions)
        return [base64.b64decode(answer["data"]) for answer in answers]

    def evaluate(self, url: str, expression: str):
        """The value of a script (a promise is awaited) run in the page once its charts are drawn."""
        with self._opened([url]) as (session,):
            answer = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                    "returnByValue": True}, session)
        if "exceptionDetails" in answer:
            raise RuntimeError(answer["exceptionDetails"].get("exception", {}).get("description", "script error"))
        return answer["result"].get("value")

    @contextmanager
    def _opened(self, urls: list[str]):
        """Sessions on tabs of their own, each with its page loaded and its charts drawn."""
        targets = [self.call("Target.createTarget", {"url": "about:blank"})["targetId"] for _ in urls]
        try:
            sessions = [self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
                        for target in targets]
            self._each("Page.enable", [{} for _ in urls], sessions)
            self._each("Page.navigate", [{"url": url} for url in urls], sessions)
            for session in sessions:
                self._wait_for("Page.loadEventFired", session)
            self._each("Runtime.evaluate", [{"expression": CHARTS_DRAWN, "awaitPromise": True} for _ in urls],
                       sessions)
            yield sessions
        finally:
            for target in targets:
                self.call("Target.closeTarget", {"targetId": target})
            self._events.clear()

    def call(self, method: str, params: dict, session: str | None = None) -> dict:
        return self._result(method, self._send(method, params, session))

    def _each(self, method: str, params: list[dict], sessions: list[str]) -> list[dict]:
        numbers = [self._send(method, one, session) for one, session in zip(params, sessions, strict=True)]
        return [self._result(method, number) for number in numbers]

    def _result(self, method: str, number: int) -> dict:
        while number not in self._answered:
            message = self._receive()
            if "id" in message:
                self._answered[message["id"]] = message
            elif "method" in message:
                self._events.append(message)
        message = self._answered.pop(number)
        if "error" in message:
            raise RuntimeError(f"Chromium refused {method}: {message['error'].get('message')}")
        return message.get("result", {})

    def _send(self, method: str, params: dict, session: str | None = None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _wait_for(self, event: str, session: str) -> None:
        while not any(m.get("method") == event and m.get("sessionId") == session for m in self._events):
            message = self._receive()
            if "id" in message:
                self._answered[message["id"]] = message
            elif "method" in message:
                self._events.append(message)

    def _receive(self) -> dict:
        deadline = time.monotonic() + self.TIMEOUT
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._answers], [], [], remaining)[0]:
                raise RuntimeError(f"Chromium did not answer within {self.TIMEOUT:.0f} s")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)


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
