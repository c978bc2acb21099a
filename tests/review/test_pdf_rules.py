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


@pytest.mark.parametrize("rule", sorted(papers.PLANTS))
def test_rule_fires_on_planted_pdf(pdf_dir, rule):
    paper = parsed(pdf_dir, rule)
    fired = [f for f in check_paper(paper) if f.rule == rule]
    assert fired, f"{rule} did not fire on {rule}.pdf"
