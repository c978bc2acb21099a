"""Each checklist rule fires on a paper with its problem planted and stays silent on a clean one."""

from __future__ import annotations

import pytest

from paperreview.errors import ConfigError
from paperreview.records import Caption, Footnote, HiddenText, Paper, Section
from paperreview.review.check import check_paper
from paperreview.review.rules import RULES
from paperreview.review.rules.experiments import dataset_names
from paperreview.review.rules.presentation import mentions
from tests.review import papers

ML = ("We train a neural network classifier with backpropagation and report accuracy on the "
      "test set. ")


def fired(paper: Paper, rule: str) -> list:
    return [f for f in check_paper(paper) if f.rule == rule]


def test_every_paper_rule_has_a_plant():
    """Venue and anonymity rules are tested with PDFs in test_check_venues.py."""
    assert set(papers.PLANTS) == {n for n, r in RULES.items()
                                  if r.scope == "paper"} - papers.PDF_ONLY


def test_clean_paper_has_no_findings():
    assert check_paper(papers.paper()) == []


@pytest.mark.parametrize("rule", sorted(papers.PLANTS))
def test_rule_fires_on_planted_paper(rule):
    found = fired(papers.paper(rule), rule)
    assert found, f"{rule} did not fire on its planted paper"
    for f in found:
        assert f.message and f.aspect == RULES[rule].aspect


def test_evidence_quotes_the_sentence():
    (f,) = fired(papers.paper("sota-without-table"), "sota-without-table")
    assert "new state of the art" in f.evidence.quote
    assert f.evidence.section == "3 Experiments"
    (f,) = fired(papers.paper("undefined-acronyms"), "undefined-acronyms")
    assert "DFT is used 3 times" in f.message and "DFT" in f.evidence.quote


def test_figure_rule_reports_both_directions():
    found = fired(papers.paper("figure-table-references"), "figure-table-references")
    msgs = sorted(f.message for f in found)
    assert any("Figure 1 is never referenced" in m for m in msgs)
    assert any("refers to Figure 3, but the paper has no Figure 3" in m for m in msgs)
    assert {f.severity for f in found} == {"minor", "major"}


def test_hidden_instruction_is_critical_prose_minor_fragments_ignored():
    (f,) = fired(papers.paper("hidden-text"), "hidden-text")
    assert f.severity == "critical" and f.evidence.page == 1
    hidden = [HiddenText(page=2, text="5 2 4 6", reason="background_color"),
              HiddenText(page=3, text="axis label", reason="covered"),
              HiddenText(page=4, text="This paragraph was left over from an earlier draft of "
                         "the paper.", reason="tiny_font")]
    p = papers.paper().model_copy(update={"hidden_text": hidden})
    (f,) = fired(p, "hidden-text")
    assert f.severity == "minor" and f.evidence.page == 4 and "1 passage" in f.message
    p = papers.paper().model_copy(update={"hidden_text": hidden[:2]})
    assert fired(p, "hidden-text") == []


def test_non_ml_empirical_paper_gets_no_ml_checklist_items():
    """An astronomy paper with results and a table is not missing an ablation or seeds."""
    p = Paper(id="astro", title="Ages of stars", abstract="We date stars.", sections=[
        Section(heading="1 Introduction", text="Stellar ages are hard to measure."),
        Section(heading="2 Results", text="The cluster is 2.5 Gyr old. Table 1 lists ages.")],
        captions=[Caption(kind="table", label="1", text="Ages of the cluster members.")])
    assert check_paper(p) == []


def test_limitations_of_prior_work_do_not_count():
    s = [Section(heading="1 Introduction", text=ML + "Prior methods have limitations."),
         Section(heading="2 Results", text="We get 90.1 ± 0.2 over 3 seeds.")]
    assert fired(Paper(id="x", sections=s), "no-limitations")


def test_code_on_request_is_quoted():
    s = [Section(heading="4 Experiments", text=ML + "Code is available upon request. We get 90.1.")]
    (f,) = fired(Paper(id="x", sections=s), "no-code-availability")
    assert "on request" in f.message and "upon request" in f.evidence.quote


def test_footnotes_are_read_like_captions():
    """An undefined reference or the code link in a footnote (kept out of the running text)."""
    s = [Section(heading="4 Experiments", text=ML + "We get 90.1 with Adam.")]
    notes = [Footnote(text="2 Proofs are in Appendix ?? of the supplement.", page=3)]
    (f,) = fired(Paper(id="x", sections=s, footnotes=notes), "undefined-reference")
    assert (f.evidence.section, f.evidence.page) == ("Footnote", 3)
    assert fired(Paper(id="x", sections=s), "no-code-availability")
    code = [Footnote(text="1 Code: https://github.com/anon/estimator", page=4)]
    assert not fired(Paper(id="x", sections=s, footnotes=code), "no-code-availability")


def test_reproducibility_names_what_is_missing():
    s = [Section(heading="4 Experiments", text=ML + "We use Adam for 10 epochs; we get 90.1.")]
    (f,) = fired(Paper(id="x", sections=s), "missing-reproducibility")
    assert "compute" in f.message and "hyperparameters" not in f.message


def test_mentions_and_datasets_parsing():
    assert mentions("see Figs. 2-4 and Table A.1; Figure 5a") == [
        ("figure", "2"), ("figure", "4"), ("figure", "3"), ("table", "A1"), ("figure", "5")]
    assert mentions("Figure 2: a caption") == []
    assert mentions("in fig. 4.1, Table IV and Tables 3—5") == [
        ("figure", "4.1"), ("table", "IV"), ("table", "3"), ("table", "5"), ("table", "4")]
    assert mentions("Figure 1, T3 has committed") == [("figure", "1")]
    # another paper's tables are not this paper's
    assert mentions("as reported in Table 3 of (Pohlen et al., 2018)") == []
    assert mentions("(Smith et al. 2019, Table 1)") == []
    assert mentions("see Supp. Fig. 6 and Supplementary Table 2") == []
    assert dataset_names("We use the MS COCO dataset and COCO images.") == {"MS COCO"}
    assert dataset_names("The dataset is new. The PeerRead corpus.") == {"PeerRead"}


def test_select_rules_and_unknown_rule():
    assert check_paper(papers.paper("hidden-text"), rules=["no-ablation"]) == []
    with pytest.raises(ConfigError, match="unknown checklist rule"):
        check_paper(papers.paper(), rules=["nope"])


def test_crashing_rule_becomes_info(monkeypatch):
    from paperreview.review import rules as r

    def boom(paper):
        raise RuntimeError("bad")

    monkeypatch.setitem(r.RULES, "no-ablation", r.Rule("no-ablation", "experiments", boom, ""))
    (f,) = fired(papers.paper(), "no-ablation")
    assert f.severity == "info" and "could not run" in f.message
