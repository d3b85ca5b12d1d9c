"""The data-quality report of a release: one static HTML page auditors can open anywhere."""

from __future__ import annotations

import html
from datetime import datetime, timezone

from wres.quality.gate import GateResult

_STYLE = """
body { font-family: Arial, sans-serif; margin: 2em; color: #212b32; }
h1 { font-size: 1.6em; } table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { border: 1px solid #d8dde0; padding: 6px 8px; text-align: left; vertical-align: top; font-size: 0.9em; }
th { background: #005eb8; color: white; }
.passed { color: #007f3b; font-weight: bold; } .failed { color: #d5281b; font-weight: bold; }
.warning { color: #b35900; font-weight: bold; } .verdict { font-size: 1.2em; padding: 0.6em; }
code { font-size: 0.9em; }
"""


def render(gate: GateResult, suppression_counts: dict[str, int] | None = None, inputs: list[dict] | None = None,
           code_version: str = "", published: bool = True, changes: dict | None = None, notice: str = "",
           gaps: list[str] | None = None) -> str:
    """The page; `published=False` for a passing gate whose release is not yet swapped into place; a
    `notice` (disclosure control weaker than the methodology) comes first, above the verdict, then the
    `gaps` (indicators the release goes without because a source was missing)."""
    if not gate.passed:
        verdict = "<span class='failed'>FAILED: not published; the previous release stays in place</span>"
    elif published:
        verdict = "<span class='passed'>PASSED: published</span>"
    else:
        verdict = ("<span class='passed'>PASSED</span>: being published (if this stays, the publication was "
                   "interrupted and the previous release is still in place)")
    rows = []
    for check in gate.checks:
        state = "passed" if check.success else ("failed" if check.severity == "error" else "warning")
        examples = ", ".join(html.escape(r) for r in check.failing_rows[:10])
        more = f" (and {check.failing_count - 10} more)" if check.failing_count > 10 else ""
        rows.append(
            f"<tr><td class='{state}'>{state}</td><td>{check.severity}</td><td>{html.escape(check.suite)}</td>"
            f"<td>{html.escape(check.guards)}</td><td><code>{html.escape(check.expectation)}</code>"
            f"{' on <code>' + html.escape(check.column) + '</code>' if check.column else ''}</td>"
            f"<td>{html.escape(check.observed)}</td><td>{examples}{more}</td></tr>")
    suppression = "".join(f"<tr><td>{html.escape(reason)}</td><td>{count:,}</td></tr>"
                          for reason, count in (suppression_counts or {}).items())
    files = "".join(f"<tr><td>{html.escape(i['path'])}</td><td><code>{i['sha256']}</code></td><td>{i['rows']:,}</td></tr>"
                    for i in (inputs or []))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WRES {gate.wres_year}: data-quality report</title>
<style>{_STYLE}</style></head><body>
<h1>WRES {gate.wres_year}: data-quality report</h1>
{f"<p class='verdict failed' role='alert'>{html.escape(notice)}</p>" if notice else ""}
{"".join(f"<p class='verdict' role='note'>{html.escape(gap)}</p>" for gap in gaps or [])}
<p class="verdict">{verdict}</p>
<p>{len(gate.checks)} checks: {sum(c.success for c in gate.checks)} passed, {len(gate.failures)} blocking failures,
{len(gate.warnings)} warnings. Generated {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}
by code version <code>{html.escape(code_version)}</code>.</p>
<h2>Checks</h2>
<table><tr><th>result</th><th>severity</th><th>suite</th><th>what it guards</th><th>expectation</th>
<th>observed</th><th>rows to act on</th></tr>{''.join(rows)}</table>
<h2>Disclosure control</h2>
<table><tr><th>suppression reason</th><th>values withheld</th></tr>{suppression}</table>
<h2>Changes since the previous release of this year</h2>
{_changes_section(changes)}
<h2>Inputs</h2>
<table><tr><th>file</th><th>SHA-256</th><th>rows</th></tr>{files}</table>
</body></html>
"""


def _changes_section(changes: dict | None) -> str:
    if not changes or not changes.get("previous_release"):
        return "<p>This is the first release of the year.</p>"
    files = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in changes["changed_inputs"]) or "<li>none</li>"
    return (f"<p>Against the release of {html.escape(str(changes['previous_release']))}: "
            f"{changes['changed_values']:,} published value(s) or suppressions differ, listed with their old and "
            f"new values in <code>CHANGES.csv</code>. Input files added, removed or changed:</p><ul>{files}</ul>")
