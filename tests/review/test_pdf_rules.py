"""Each checklist rule on real PDFs (drawn with parse.sample, parsed with parse_pdf): it fires
where its problem is planted and stays silent on the clean paper."""

from __future__ import annotations

import pytest

from paperreview.parse import parse_pdf
from paperreview.parse.sample import write_paper_pdf
from paperreview.review.check import check_paper
from tests.review import papers


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdfs")


def parsed(pdf_dir, rule):
    path = pdf_dir / f"{rule or 'clean'}.pdf"
    write_paper_pdf(path, papers.spec(rule))
    return parse_pdf(path)


def test_clean_pdf_has_no_findings(pdf_dir):
    findings = check_paper(parsed(pdf_dir, None))
    assert findings == [], [f.message for f in findings]


@pytest.mark.parametrize("rule", sorted(set(papers.PLANTS) - papers.PDF_SKIP))
def test_rule_fires_on_planted_pdf(pdf_dir, rule):
    paper = parsed(pdf_dir, rule)
    fired = [f for f in check_paper(paper) if f.rule == rule]
    assert fired, f"{rule} did not fire on {rule}.pdf"


def test_offline_review_keeps_real_absent_figure_and_fills_pages(pdf_dir):
    from paperreview.review.generate import ReviewOptions, offline_review

    paper = parsed(pdf_dir, "figure-table-references")
    rec = offline_review(paper, ReviewOptions())
    msgs = [f.message for f in rec.findings]
    assert any("refers to Figure 3, but the paper has no Figure 3" in m for m in msgs)
    assert all(f.evidence.page for f in rec.findings if f.evidence.quote)


def test_caption_the_parser_missed_is_not_blamed_on_the_paper(pdf_dir):
    from paperreview.records import Finding
    from paperreview.review.pages import drop_found_floats

    path = pdf_dir / "clean.pdf"
    write_paper_pdf(path, papers.spec(None))
    f = Finding(rule="figure-table-references", aspect="presentation", severity="major",
                message="The text refers to Table 2, but the paper has no Table 2.")
    g = f.model_copy(update={"message": "The text refers to Table 9, but the paper has no Table 9."})
    assert drop_found_floats(path, [f, g]) == [g]
