"""The report of a release, on the hand-made landing zone (WRES 2018): figures where they belong,
hidden values shown as suppressed with their reason, every chart with its text and numbers."""

from __future__ import annotations

import re


def page(released, name: str) -> str:
    return (released[2].folder / "report" / name).read_text(encoding="utf-8")


def cell(html: str, indicator: str, measure: str) -> str:
    """The value shown for one measure in a page's indicator table."""
    found = re.search(rf"<td>{re.escape(indicator)}</td><td>{measure}</td><td class=\"value\">([^<]*)</td>", html)
    assert found, f"no row for {indicator} {measure}"
    return found.group(1)


def test_the_england_page_states_key_findings_from_the_figures(released):
    html = page(released, "index.html")
    # England 2018: white 80 of 350 appointed, BME 20 of 180: (80/350) / (20/180) = 2.057.
    assert "White applicants were 2.06 times as likely as BME applicants to be appointed from shortlisting." in html
    assert cell(html, "2 Appointment", "relative_likelihood") == f"{(80 / 350) / (20 / 180):,.2f}"
    # One trend chart and one regional chart per indicator, each with its text and its numbers.
    # A trend, a regional chart and every trust's value for each of the nine indicators.
    assert html.count("<figure") == 27 and html.count("<figcaption>") == 27
    assert html.count('<svg role="img"') == 27
    assert 'href="regions/Y56.html">London</a>' in html and 'href="regions/Y58.html">South West</a>' in html
    assert 'href="icbs/QMJ.html">NHS North Central London Integrated Care Board</a>' in html
    assert 'href="icbs/QJK.html">QJK</a>' in html  # no name in reference/icb_names.csv
    # Of the two trusts with a relative likelihood, RAA's (2.0, interval from 1.15) is significantly worse.
    assert ("Indicator 2 (appointment): BME staff fared worse than white staff at 50.0% of the 2 trusts "
            "reporting, significantly so (95% level) at 50.0%.") in html


def test_a_trust_page_shows_hidden_values_as_suppressed_with_their_reason(released):
    rbb = page(released, "trusts/RBB.html")
    # RBB has 6 BME staff (count 1-7) and 4 BME survey respondents for indicator 5 (n<11).
    assert cell(rbb, "1 Workforce", "pct_bme") == "suppressed (count 1-7)"
    assert cell(rbb, "5 Harassment (public)", "pct_bme") == "suppressed (n&lt;11)"
    # 5 of its 15 white respondents reported harassment from the public: 33.33%.
    assert cell(rbb, "5 Harassment (public)", "pct_white") == "33.33"
    rcc = page(released, "trusts/RCC.html")
    # RCC declares the ethnicity of 10 of its 15 staff: withheld. Its declaration rate would stay
    # published, but it is computed from 5 unknown staff, a count of 1-7.
    assert cell(rcc, "1 Workforce", "pct_bme") == "suppressed (declaration&lt;80%)"
    assert cell(rcc, "1 Workforce", "declaration_rate") == "suppressed (count 1-7)"
    assert cell(rcc, "1 Workforce", "headcount_total") == "suppressed (declaration&lt;80%)"


def test_trust_and_region_pages_link_up_and_draw_their_trend_offline(released):
    raa = page(released, "trusts/RAA.html")
    assert "ALPHA HOSPITALS NHS FOUNDATION TRUST (RAA)" in raa
    assert 'href="../regions/Y56.html">London</a>' in raa
    assert '<script src="../vega.js"></script>' in raa and 'class="vega"' in raa
    assert "http://" not in raa.replace("http://www.w3.org", "") and "https://" not in raa
    assert 'href="../icbs/QMJ.html">NHS North Central London Integrated Care Board</a>' in raa
    devon = page(released, "icbs/QJK.html")
    assert "Integrated care board" in devon and 'href="../trusts/RBB.html">BETA HOSPITAL NHS TRUST</a>' in devon
    london = page(released, "regions/Y56.html")
    assert 'href="../trusts/RAA.html">ALPHA HOSPITALS NHS FOUNDATION TRUST</a>' in london
    assert (released[2].folder / "report" / "vega.js").stat().st_size > 100_000


def test_the_methodology_page_counts_suppressed_values(released):
    html = page(released, "methodology.html")
    assert "two-year rolling rate up to WRES 2021" in html
    assert re.search(r"<td>secondary</td><td>[1-9][0-9,]*</td>", html)
