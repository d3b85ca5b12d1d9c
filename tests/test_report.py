"""The report of a release, on the hand-made landing zone (WRES 2018): figures where they belong,
hidden values shown as suppressed with their reason, every chart with its text and numbers."""

from __future__ import annotations

import re

import pytest


def page(released, name: str) -> str:
    return (released[2].folder / "report" / name).read_text(encoding="utf-8")


def cell(html: str, indicator: str, measure: str) -> str:
    """The value shown for one measure in a page's indicator table."""
    from wres import vocabulary

    heading = vocabulary.measure(int(indicator.split()[0]), measure).heading
    found = re.search(rf"<td>{re.escape(indicator)}</td><td>{re.escape(heading)}</td><td class=\"value\">([^<]*)</td>",
                      html)
    assert found, f"no row for {indicator} {measure}"
    return found.group(1)


def test_the_england_page_states_key_findings_from_the_figures(released):
    html = page(released, "index.html")
    # England 2018: white 80 of 350 appointed, BME 20 of 180: (80/350) / (20/180) = 2.057.
    # The earlier years come from the warehouse (no 2017 release on disk here). 2017: white 20 + 18 of
    # 100 + 90 shortlisted appointed, BME 8 + 1 of 80 + 9.
    assert ("White applicants were 2.06 times as likely as BME applicants to be appointed from shortlisting "
            f"({(38 / 190) / (9 / 89):.2f} in 2017).") in html
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
    # RCC declares the ethnicity of 10 of its 15 staff: withheld. Its declaration rate stays
    # published (its 5 unknown staff disclose no one's ethnicity): 10 / 15 = 66.67%.
    assert cell(rcc, "1 Workforce", "pct_bme") == "suppressed (declaration&lt;80%)"
    assert cell(rcc, "1 Workforce", "declaration_rate") == "66.67"
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
    # What it cost: the headline figures of the three trusts (RCC withheld), and hidden cells by tier.
    assert "What disclosure control cost" in html
    assert re.search(r"<tr><td>trust</td><td>[1-9][0-9,]*</td><td>[0-9,]+</td><td>[0-9,]+</td><td>[0-9.]+%</td></tr>",
                     html)
    assert re.search(r"<tr><td>declaration&lt;80%</td><td>3</td><td>trust</td><td>[1-9][0-9,]*</td></tr>", html)
    # RCC records the ethnicity of 10 of its 15 staff (66.7%): below both the 90% warning and 80% withholding.
    assert ("<li>1 trust recorded the ethnicity of fewer than 80% of its staff, so its indicators 1 to 4 and 9 "
            "are withheld: GAMMA COMMUNITY NHS TRUST (RCC).</li>") in html
    assert ("<li>1 trust recorded the ethnicity of fewer than 90% of its staff, so its figures are less reliable "
            "than others&#39;: GAMMA COMMUNITY NHS TRUST (RCC).</li>") in html
    assert "(low_declaration)" not in html


def section(html: str, anchor: str) -> str:
    """The part of a page in the <section> whose heading has id `anchor`."""
    start = html.index(f'<section aria-labelledby="{anchor}">')
    return html[start:html.index("</section>", start)]


def test_the_indicator_1_page_shows_each_staff_group_by_band_and_its_disparity_ratios(released):
    html = page(released, "indicator-1.html")
    clinical = section(html, "Clinical-non-medical")
    # England, clinical non-medical (all RAA, from its revised return): Band 5 60 BME of 120 = 50%,
    # Band 6 12 of 44 = 27.27%, Band 8a 2 of 12 = 16.67%; columns BME, white, unknown (staff, %).
    assert "<tr><td>Band 5</td><td>60</td><td>50.00</td><td>50</td><td>41.67</td><td>10</td><td>8.33</td></tr>" in clinical
    assert f"<tr><td>Band 6</td><td>12</td><td>{100 * 12 / 44:.2f}</td><td>30</td><td>{100 * 30 / 44:.2f}</td>" in clinical
    assert f"<tr><td>Band 8a</td><td>2</td><td>{100 * 2 / 12:.2f}</td>" in clinical
    # Disparity ratios, white lower (bands 1-5) 50, middle (6-7) 30, upper (8a+) 10; BME 60, 12, 2:
    # lower to middle (30/50)/(12/60) = 3, middle to upper (10/30)/(2/12) = 2, lower to upper (10/50)/(2/60) = 6.
    assert "<tr><td>England</td><td>3.00</td><td>2.00</td><td>6.00</td></tr>" in clinical
    # London is RAA alone: its 2 BME staff in band 8a are a count of 1-7, and the ratios built on them
    # hidden; lower to middle (3.00) uses no small count and no move changes its sums: published.
    assert ("<tr><td>London</td><td>50.00</td><td>27.27</td><td>suppressed (count 1-7)</td></tr>") in clinical
    assert "<tr><td>London</td><td>3.00</td><td>suppressed (count 1-7)</td>" \
           "<td>suppressed (count 1-7)</td></tr>" in clinical
    non_clinical = section(html, "Non-clinical")
    # Band 2: RAA 30 BME of 75 and RBB 6 of 80 (its return): 36 of 155 = 23.23%. No band 6-7 staff: no ratio.
    assert f"<tr><td>Band 2</td><td>36</td><td>{100 * 36 / 155:.2f}</td><td>110</td>" in non_clinical
    assert "<tr><td>England</td><td>not defined</td><td>not defined</td><td>not defined</td></tr>" in non_clinical
    # South West band 3 is RCC (withheld, declaration 66.7%), but its staff count in its region: 0 BME of 15.
    # Band 2 there is RBB's 6 BME staff: count 1-7.
    assert "<tr><td>South West</td><td>suppressed (count 1-7)</td><td>0.00</td></tr>" in non_clinical
    assert "<tr><td>London</td><td>suppressed (secondary)</td><td>no staff</td></tr>" in non_clinical
    # The staff groups table: clinical non-medical 120 + 44 + 12 = 176 staff, 74 BME (42.05%).
    assert (f'<a href="#Clinical-non-medical">Clinical non-medical</a></td><td class="value">176</td>'
            f'<td class="value">{100 * 90 / 176:.2f}</td><td class="value">{100 * 74 / 176:.2f}</td>') in html
    assert "No medical and dental staff are reported in WRES 2018." in html
    # RCC made no workforce return in 2018: its staff come from workforce statistics.
    assert ("Source in WRES 2018: the trusts&#39; WRES returns, and NHS workforce statistics for the trusts "
            "without a workforce return.") in html
    assert html.count('<svg role="img"') == 6  # compositions and regions of 2 groups, 1 disparity and its trend
    assert html.count("<figcaption>") == 8  # and the non-clinical ratios and their trend: nothing published


def test_the_distributions_page_lists_every_trust_with_its_value_or_why_it_is_hidden(released):
    import html as html_module
    import json

    html = page(released, "distributions.html")
    appointment = section(html, "i2")
    # RAA's revised return: white 40 of 200 appointed, BME 15 of 150: (40/200) / (15/150) = 2.
    assert "<tr><td>ALPHA HOSPITALS NHS FOUNDATION TRUST</td><td>RAA</td><td>London</td><td>Acute</td>" \
           f"<td>{(40 / 200) / (15 / 150):.2f}</td></tr>" in appointment
    # RBB appointed 5 BME applicants (count 1-7); RCC declares 10 of its 15 staff (withheld).
    assert "<td>RBB</td><td>South West</td><td>Acute</td><td>suppressed (count 1-7)</td>" in appointment
    assert "<td>RCC</td><td>South West</td><td>Community</td><td>suppressed (declaration&lt;80%)</td>" in appointment
    # The chart, drawn in the browser: the one published trust, England's 80/350 against 20/180 as a line.
    spec = json.loads(html_module.unescape(re.search(r'data-spec="([^"]*)"', appointment).group(1)))
    assert [(t["code"], t["value"]) for t in spec["datasets"]["trusts"]] == [("RAA", 2.0)]
    assert f"The orange line marks England, {(80 / 350) / (20 / 180):.2f}." in appointment
    assert [view["title"] for view in spec["vconcat"]] == ["by region, coloured by trust type",
                                                          "by trust type, coloured by region"]
    # No trust publishes a workforce BME share (RAA secondary, RBB 6 BME staff, RCC withheld): nothing to draw.
    workforce = section(html, "i1")
    assert "No published values to chart." in workforce and "suppressed (secondary)" in workforce
    # Survey indicators list the white figure beside the BME one. RBB: 4 BME respondents (n<11); 5 of its
    # 15 white respondents reported harassment from the public: 33.33%. RCC has no respondents at all.
    harassment = section(html, "i5")
    assert "<th scope=\"col\">BME</th><th scope=\"col\">white</th>" in harassment
    assert (f"<td>RBB</td><td>South West</td><td>Acute</td><td>suppressed (n&lt;11)</td>"
            f"<td>{100 * 5 / 15:.2f}</td></tr>") in harassment
    assert "<td>RCC</td><td>South West</td><td>Community</td><td>not reported</td><td>not reported</td>" in harassment
    assert '<script src="vega.js"></script>' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_the_new_pages_are_linked_and_built_deterministically(released, tmp_path):
    from wres.report.build import Report
    from wres.report.data import load_releases

    settings, _, release, _ = released
    for name in ("index.html", "methodology.html", "trusts/RAA.html"):
        prefix = "../" if "/" in name else ""
        assert f'href="{prefix}indicator-1.html"' in page(released, name)
        assert f'href="{prefix}distributions.html"' in page(released, name)
        assert f'href="{prefix}survey.html">Survey breakdowns</a>' in page(released, name)
        assert f'href="{prefix}model-employer.html">Model Employer</a>' in page(released, name)
    again = Report(load_releases(release.folder, released[1], 2018), [],
                   (settings.thresholds.four_fifths_lower, settings.thresholds.four_fifths_upper))
    again.build_in_depth(tmp_path)
    for name in ("indicator-1.html", "distributions.html", "survey.html", "model-employer.html"):
        assert (tmp_path / name).read_bytes() == (release.folder / "report" / name).read_bytes(), name


def test_the_report_opens_in_a_browser_without_script_errors_or_empty_charts(released, tmp_path):
    """wres.report.browser on the fixture's report: every page it checks (script errors, empty charts,
    serious or critical accessibility violations), no screenshots (kept fast). Needs Debian's chromium,
    which `.ci/run` and `make report-check` install."""
    from concurrent.futures import ThreadPoolExecutor

    from wres.report.browser import check_page, pages_to_check

    report = released[2].folder / "report"
    pages = pages_to_check(report)
    assert {p.name for p in pages} >= {"index.html", "indicator-1.html", "distributions.html", "RAA.html"}
    # The check itself fails on a script error and on a chart Vega did not draw.
    broken = tmp_path / "broken.html"
    broken.write_text('<html><body><figure class="chart"><div class="vega"></div></figure><img src="x.png">'
                      '<script>notDefined();</script></body></html>')
    with ThreadPoolExecutor(max_workers=3) as pool:
        found = list(pool.map(check_page, [*pages, broken]))
    assert found[:-1] == [[]] * len(pages), found
    assert any("script error" in p for p in found[-1]) and any("chart 1 is empty" in p for p in found[-1])
    # An image without a text alternative is a critical violation for axe-core.
    assert any("accessibility (critical): image-alt" in p for p in found[-1]), found[-1]


def test_a_board_pack_prints_to_a4_pdf_the_same_bytes_each_time(released, tmp_path):
    from wres.report.browser import print_pdf

    report = released[2].folder / "report"
    published = report / "trusts" / "RAA.pdf"
    assert published.read_bytes().startswith(b"%PDF-")
    # A4 is 595 x 842 points; the pack of nine indicators and the measures table takes several pages.
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]", published.read_bytes())
    assert len(re.findall(rb"/Type\s*/Page[^s]", published.read_bytes())) >= 3
    again = tmp_path / "RAA.pdf"
    print_pdf(report / "trusts" / "RAA.html", again)
    assert again.read_bytes() == published.read_bytes()


def test_what_chromium_writes_differently_each_time_is_fixed_at_the_same_length():
    from wres.report.browser import _fixed

    printed = (b"<</CreationDate (D:20261204143901+00'00')>> /ID [<A1B2> <C3D4>]\n"
               b"<</ID (node00000042)>> <</ID (node00000007)>> <</Names [(node00000007) 9 0 R (node00000042) 8 0 R]>>")
    fixed = _fixed(printed)
    assert fixed == (b"<</CreationDate (D:19800101000000+00'00')>> /ID [<0000> <0000>]\n"
                     b"<</ID (node00000002)>> <</ID (node00000001)>> <</Names [(node00000001) 9 0 R (node00000002) 8 0 R]>>")
    assert len(fixed) == len(printed)


def test_the_survey_breakdowns_page_shows_figures_and_hidden_cells(released):
    html = page(released, "survey.html")
    harassment = section(html, "s5-gender")
    # Indicator 5, England by gender, respondents pooled: 12 of 22 women (54.5%), 5 of 22 men (22.7%).
    assert f"<tr><td>Female</td><td>{100 * 12 / 22:.1f}</td></tr>" in harassment
    assert "<tr><td>Male</td><td>22.7</td></tr>" in harassment
    # London's men: RAA's 3 white and 4 BME men answered: n<11.
    assert "<tr><td>London</td><td>55.6</td><td>suppressed (n&lt;11)</td></tr>" in harassment
    occupation = section(html, "s5-occupation")
    # Nurses: 3 of RAA's 6 white and 4 of its 5 BME nurses, 7 of 11 = 63.6%; Other is 3 unknown respondents.
    assert f"<tr><td>Registered Nurses and Midwives</td><td>{100 * 7 / 11:.1f}</td></tr>" in occupation
    assert "<tr><td>Other</td><td>suppressed (n&lt;11)</td></tr>" in occupation
    # Indicator 7, South West's men are exactly RBB's white respondents, whose figure the summary hides.
    progression = section(html, "s7-gender")
    assert "<tr><td>South West</td><td>suppressed (n&lt;11)</td><td>suppressed (secondary)</td></tr>" in progression
    # Each breakdown: England's bars and the regions' grid, with their text and their numbers; the
    # England cross table of ethnicity group, gender and occupation group.
    assert html.count("<figure") == html.count("<figcaption>") == 4 * 3 * 2
    assert "<th scope=\"col\">% White</th><th scope=\"col\">% BME</th><th scope=\"col\">% Unknown</th>" in html
    assert "respondents_" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_the_model_employer_page_gives_one_in_k_per_target_year(released):
    html = page(released, "model-employer.html")
    # England band 8a: 2 BME of 12 (16.7%); target 110 BME of 320 staff of known ethnicity (34.4%);
    # with 10% leaving a year, s = (p - b0 0.9^n) / (1 - 0.9^n): 0.599 (2023), 0.439 (2028), 0.390 (2033).
    b0, p = 2 / 12, 110 / 320
    k = [round(1 / ((p - b0 * 0.9 ** n) / (1 - 0.9 ** n))) for n in (5, 10, 15)]
    assert k == [2, 2, 3]
    assert ('<tr><td>Band 8a</td><td class="value">12</td><td class="value">16.7</td><td class="value">34.4</td>'
            '<td class="value">1 in 2</td><td class="value">1 in 2</td><td class="value">1 in 3</td></tr>') in html
    chart = section(html, "trajectory")
    assert chart.count('<svg role="img"') == 1 and "<figcaption>" in chart
    # Recruiting 39.0% BME from 2018, the band reaches the target in 2033: 16.7% then 34.4%.
    assert "Band 8a: 2018 16.7, 2019 18.9," in chart and "2033 34.4" in chart


def test_the_model_employer_marks_met_and_unreachable_bands():
    from wres.report.projections import trajectory
    from wres.report.text import one_in_k

    assert one_in_k({"status": "reachable", "one_in_k": 3}) == "1 in 3"
    assert one_in_k({"status": "already met", "one_in_k": None}) == "already met"
    assert one_in_k({"status": "unreachable", "one_in_k": None}).startswith("unreachable")
    # Unreachable: even every recruit BME leaves 0% VSM at 1 - 0.9 = 10% after a year.
    assert trajectory(0.0, 0.3, 0.1, 3.0, "unreachable", 1) == pytest.approx([0.0, 0.1])
    assert trajectory(0.4, 0.3, 0.1, None, "already met", 2) == pytest.approx([0.4, 0.4, 0.4])


def test_the_england_page_puts_the_national_report_beside_the_release(released):
    from wres.generate.published_figures import PublishedFigure
    from wres.report.build import Report
    from wres.report.data import load_releases

    html = page(released, "index.html")
    block = section(html, "published")
    text = block.replace("\n", " ")
    assert "On the demo data the match shows how well the generator is calibrated" in text and "cross-check" in text
    # The seed's three WRES 2018 figures: England's BME share (19.1% published; here 110 of 346 staff),
    # BME headcount (235,358; here 110) and the VSM count (201; no VSM staff in the hand-made release).
    assert (f'<td>pct_bme</td>\n<td class="value">19.1</td><td class="value">{100 * 110 / 346:.2f}</td>'
            f'<td class="value">{100 * (100 * 110 / 346 - 19.1) / 19.1:+.1f}%</td>') in block
    assert '<td class="value">235,358</td><td class="value">110</td>' in block
    assert '<td class="value">201</td><td class="value">not in this release</td>' in block
    assert block.count("<tr>") == 1 + 3
    settings, _, release, _ = released
    report = Report(load_releases(release.folder, released[1], 2018), [], (0.8, 1.25))
    # Only the release's year; none when the seed has no figure of the year.
    assert report.published_comparison((PublishedFigure(2022, 1, "pct_bme", 24.2, "s"),)) == []
    mine = report.published_comparison((PublishedFigure(2018, 1, "headcount_bme", 100, "s"),
                                        PublishedFigure(2022, 1, "pct_bme", 24.2, "s")))
    assert mine == [["1", "England", "", "headcount_bme", "100", "110", "+10.0%", "s"]]


def test_a_trust_board_pack_says_each_indicator_in_a_sentence_against_its_peers(released):
    raa = page(released, "trusts/RAA.html")
    appointment = section(raa, "i2")
    # RAA appointed 40 of 200 white and 15 of 150 BME applicants in 2018 ((40/200)/(15/150) = 2), 20 of 100
    # and 8 of 80 in 2017 (also 2); the other acute trust, RBB, appointed 5 BME (hidden): the median is RAA's.
    # England (80/350)/(20/180) = 2.06; 2 is above the four-fifths range's 1.25.
    assert ("White applicants were 2.00 times as likely as BME applicants to be appointed from shortlisting, "
            "unchanged from 2.00 in 2017; the same as the median Acute trust (2.00); England 2.06; outside the "
            "four-fifths range.") in appointment
    assert "<th scope=\"col\">2017</th><th scope=\"col\">2018</th>" in appointment
    assert "<td>+0.00</td>" in appointment and "<td>statistically significant</td>" in appointment
    # A hidden figure says why, in words: RAA's 2018 workforce BME share is hidden by secondary suppression.
    workforce = section(raa, "i1")
    assert "the 2018 figure is hidden so that other hidden small numbers cannot be worked out." in workforce
    # The survey indicators chart BME and white staff as named lines, without a legend.
    import html as html_module
    import json

    spec = json.loads(html_module.unescape(re.search(r'data-spec="([^"]*)"', section(raa, "i5")).group(1)))
    lines = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert lines["encoding"]["color"]["scale"]["domain"] == ["BME staff", "white staff"]
    assert lines["encoding"]["color"]["legend"] is None and lines["encoding"]["strokeDash"]["legend"] is None
    # RAA's BME figure is hidden (secondary); 3 of its 11 white respondents reported harassment: 27.3%,
    # named at its point.
    labels = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert [(p["series"], round(p["value"], 1)) for p in labels["data"]["values"]] == [("white staff", 27.3)]
    # No column name is shown where a person reads.
    visible = re.sub(r'data-spec="[^"]*"', "", raa)
    assert "pct_bme" not in visible and "relative_likelihood" not in visible and "headcount_total" not in visible


def test_region_and_icb_pages_say_each_indicator_against_last_year_and_england(released):
    london = page(released, "regions/Y56.html")
    # London is RAA alone: (40/200)/(15/150) = 2 in 2018, (20/100)/(8/80) = 2 in 2017; England (80/350)/(20/180).
    assert ("White applicants were 2.00 times as likely as BME applicants to be appointed from shortlisting, "
            f"unchanged from 2.00 in 2017; England {(80 / 350) / (20 / 180):.2f}; outside the four-fifths range."
            in section(london, "i2"))
    assert "median" not in section(london, "i2")  # no comparator group for an area
    devon = page(released, "icbs/QJK.html")
    # QJK is RBB (and RCC, withheld): RBB appointed 5 BME applicants, a count of 1-7.
    assert "the 2018 figure is hidden to protect small numbers." in section(devon, "i2")


def test_a_change_or_a_difference_too_small_to_show_is_said_to_be_none():
    """Sentences compare figures as the reader sees them: 29.43% after 29.38% both read 29.4%, so the
    trust is "unchanged", not "up"; a median of 29.36% also reads 29.4%, so it is "the same as" it."""
    import pandas as pd

    from wres.report.boardpack import Area, BoardPack, History
    from wres.report.comparators import Comparators

    def row(year, code, value):
        return dict(wres_year=year, level="trust", area_code=code, indicator=5, measure="pct_bme", breakdown="all",
                    value=value, suppressed=False, suppression_reason=None, flags=None)

    summary = pd.DataFrame([row(2017, "RAA", 29.38), row(2018, "RAA", 29.43), row(2018, "RBB", 29.29),
                            row(2018, "RCC", 29.36)])
    trusts = pd.DataFrame({"org_code": ["RAA", "RBB", "RCC"], "trust_type": ["Acute"] * 3, "region_code": ["Y56"] * 3})
    pack = BoardPack(History(summary), Comparators(summary, trusts), 2018, (0.8, 1.25))
    area = Area("trust", "RAA", "Alpha", "Acute", "Y56")
    assert pack._since(29.43, 5, "pct_bme", area) == "unchanged from 29.4% in 2017"
    assert pack._since(29.46, 5, "pct_bme", area) == "up from 29.4% in 2017"  # 29.5% against 29.4%
    # The Acute median of 29.29, 29.36 and 29.43 is 29.36: shown 29.4%, as RAA's 29.43.
    assert pack._against_peers(29.43, 5, "pct_bme", "Acute") == "the same as the median Acute trust (29.4%)"
    assert pack._against_peers(29.53, 5, "pct_bme", "Acute") == "higher than at most Acute trusts (median 29.4%)"
