"""Venue profiles, anonymity and venue rules on synthetic PDFs, the weak and the careful paper."""

from __future__ import annotations

import pytest

from paperreview.errors import ConfigError
from paperreview.parse.sample import write_paper_pdf
from paperreview.review.check import CheckOptions, check_one
from paperreview.review.rules import RULES
from paperreview.review.venues import list_venues, load_venue
from tests.review import submissions

NEURIPS = CheckOptions(venue="neurips")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    return tmp_path_factory.mktemp("anon")


def rules_of(rec) -> set[str]:
    assert rec.status == "ok", rec.error
    return {f.rule for f in rec.findings}


def test_shipped_profiles_load_with_aliases():
    names = {v.name for v in list_venues()}
    assert {"neurips", "iclr", "icml", "acl", "cvpr", "aaai", "generic"} <= names
    for alias in ("emnlp", "naacl", "arr"):
        assert load_venue(alias).name == "acl"
    acl = load_venue("acl")
    assert acl.paper_size == "a4" and acl.required_sections[0].name == "Limitations"
    assert not load_venue("generic").anonymity and load_venue("iclr").anonymity


def test_user_profile_and_bad_profiles(tmp_path):
    p = tmp_path / "myconf.yaml"
    p.write_text("name: myconf\npage_limit: 3\ndouble_blind: true\npaper_size: a4\n")
    assert load_venue(str(p)).page_limit == 3
    (tmp_path / "bad.yaml").write_text("name: x\npage_limt: 3\n")
    with pytest.raises(ConfigError, match="page_limt"):
        load_venue(str(tmp_path / "bad.yaml"))
    with pytest.raises(ConfigError, match="unknown venue"):
        load_venue("nosuchconf")


def test_clean_anonymous_submission_has_no_anonymity_or_venue_finding(pdfs):
    rec = check_one(submissions.write_anon(pdfs / "clean.pdf", None), NEURIPS)
    scoped = {n for n in rules_of(rec) if RULES[n].scope != "paper"}
    assert scoped == set(), [f.message for f in rec.findings]


@pytest.mark.parametrize("rule", sorted(submissions.ANON_PLANTS))
def test_each_anonymity_violation_is_found(pdfs, rule):
    rec = check_one(submissions.write_anon(pdfs / f"{rule}.pdf", rule), NEURIPS)
    found = [f for f in rec.findings if f.rule == rule]
    assert found, f"{rule} not found: {[f.message for f in rec.findings]}"
    assert found[0].evidence.quote or found[0].evidence.section
    others = {f.rule for f in rec.findings if RULES[f.rule].scope == "anonymity"} - {rule}
    assert others <= {"anon-authors"} if rule == "anon-acknowledgments" else not others, others


def test_camera_ready_and_generic_turn_anonymity_off(pdfs):
    path = submissions.write_anon(pdfs / "named.pdf", "anon-authors")
    assert "anon-authors" in rules_of(check_one(path, NEURIPS))
    assert "anon-authors" not in rules_of(check_one(path, CheckOptions(venue="neurips",
                                                                       camera_ready=True)))
    assert "anon-authors" not in rules_of(check_one(path, CheckOptions()))


def test_venue_rules_fire(pdfs):
    path = submissions.write_anon(pdfs / "clean2.pdf", None)
    acl = rules_of(check_one(path, CheckOptions(venue="acl")))
    assert "paper-size" in acl  # letter paper, ACL wants A4
    assert "required-sections" not in acl  # the paper has a Limitations section
    tiny = pdfs / "tiny.yaml"
    tiny.write_text("name: tiny\npage_limit: 1\ndouble_blind: false\n")
    rec = check_one(path, CheckOptions(venue=str(tiny)))
    (f,) = [f for f in rec.findings if f.rule == "page-limit"]
    assert "allows 1" in f.message and f.evidence.page >= 2


def test_missing_checklist_and_limitations(pdfs):
    spec = submissions.anonymous_spec([s for s in submissions._anon_sections()
                                       if s[0] != "Limitations"])
    spec.appendix = []
    path = pdfs / "nochecklist.pdf"
    write_paper_pdf(path, spec)
    assert "checklist" in rules_of(check_one(path, NEURIPS))
    found = rules_of(check_one(path, CheckOptions(venue="acl")))
    assert "required-sections" in found


def test_weak_paper_six_of_seven_problems_found(pdfs):
    path = pdfs / "weak.pdf"
    write_paper_pdf(path, submissions.weak_spec())
    fired = rules_of(check_one(path))
    found = [p for p, rules in submissions.WEAK_PROBLEMS.items() if rules & fired]
    assert len(found) >= 6, (found, fired)


def test_careful_paper_at_most_one_false_alarm(pdfs):
    path = pdfs / "careful.pdf"
    write_paper_pdf(path, submissions.careful_spec())
    rec = check_one(path)
    assert len(rec.findings) <= 1, [f.message for f in rec.findings]


def test_failed_pdf_is_a_record_not_an_exception(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    rec = check_one(bad)
    assert rec.status == "failed" and "not a PDF" in rec.error


def test_equation_cited_past_the_last_is_found(pdfs):
    eqs = "a + b = c (1)\n\nd = e + f (2)\n\ng = h (3)\n\n"
    sections = submissions._anon_sections()
    good = [(h, eqs + t) if h == "Method" else (h, t) for h, t in sections]
    bad = [(h, t + " By Eq. (5), the loss is bounded.") if h == "Method" else (h, t)
           for h, t in good]
    for name, secs, expect in (("eq-good", good, False), ("eq-bad", bad, True)):
        path = pdfs / f"{name}.pdf"
        write_paper_pdf(path, submissions.anonymous_spec(secs))
        found = [f for f in check_one(path).findings if f.rule == "equation-references"]
        assert bool(found) == expect, (name, [f.message for f in found])
