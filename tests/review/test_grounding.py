"""Grounding check on review points that cite real and invented tables, figures, equations..."""

from __future__ import annotations

from paperreview.records import Paper, Section
from paperreview.review.grounding import check_grounding, not_found
from tests.review import papers


def refs(points, paper=None):
    return {c.reference: c.found for c in check_grounding(points, paper or papers.paper())}


def test_real_references_are_found():
    paper = papers.paper().model_copy(deep=True)
    paper.sections[1].text += " The loss is given in Eq. (2) and bounded in Equation 3."
    got = refs(["Table 1 reports 91.3 accuracy, see also Figure 1 and Table 2.",
                "Eq. (2) in Section 2 defines the InfoNCE loss; Sec. 3.",
                "The comparison with GraphCL on QM9 is convincing."], paper)
    assert set(got) == {"Table 1", "Figure 1", "Table 2", "number 91.3", "Eq. (2)", "Section 2",
                        "Section 3", "InfoNCE", "GraphCL", "QM9"}
    assert all(got.values()), got


def test_invented_references_are_flagged():
    checks = check_grounding(
        ["Table 5 shows a drop, and Figure 4b is unreadable.",
         "The symbol in Eq. (7) is undefined.", "Section 9.2 repeats Appendix C.",
         "Results on ImageNet reach 97.2% and beat DeepGraphNet."], papers.paper())
    bad = {c.reference for c in not_found(checks)}
    assert bad == {"Table 5", "Figure 4b", "Eq. (7)", "Section 9.2", "Appendix C", "ImageNet",
                   "number 97.2%", "DeepGraphNet"}
    assert {c.kind for c in checks} >= {"table", "figure", "equation", "section", "dataset", "number",
                                        "method"}
    assert all(c.point for c in checks)


def test_suggestions_may_name_absent_things():
    got = refs(["The authors should compare with RoBERTa on ImageNet and report 95% intervals."])
    assert got == {}
    # ...but a location named in a suggestion must still exist
    assert refs(["Table 9 should add error bars."]) == {"Table 9": False}


def test_percent_printed_as_fraction_and_unnumbered_headings():
    p = Paper(id="p", sections=[Section(heading="Intro", text="Accuracy is 0.853."),
                                Section(heading="Method", text="x"),
                                Section(heading="Results", text="y")])
    assert refs(["Accuracy of 85.3% is reported in Section 3.", "Section 4 is long."], p) == {
        "number 85.3%": True, "Section 3": True, "Section 4": False}


def test_section_numbers_in_a_paper_without_recovered_headings():
    """No headings recovered (drop-impact-scaling.pdf): a plausible section number is not called
    invented, an absurd one still is."""
    p = Paper(id="p", sections=[Section(heading="", text="All of the paper in one block.")])
    assert refs(["Section 3 derives the scaling.", "Section 42 repeats itself."], p) == {
        "Section 3": True, "Section 42": False}


def test_reviewer_shorthand_is_not_a_method_name():
    """"beats SOTA", "OOD inputs": capitals that name nothing in the paper are not checked."""
    got = refs(["CGP beats SOTA methods on OOD molecules. NOTE: GraphCL is close behind."])
    assert got == {"CGP": True, "GraphCL": True}


def test_theorems_and_lemmas_are_checked():
    p = Paper(id="p", sections=[Section(heading="2 Theory", text="Theorem 1. Every X is Y. "
                                        "By Lemma 3.1 and Prop. 4 the claim follows.")])
    assert refs(["The proof of Theorem 1 uses Lemma 3.1 and Proposition 4.",
                 "Theorem 2 and Lemma 3.2 are wrong."], p) == {
        "Theorem 1": True, "Lemma 3.1": True, "Proposition 4": True, "Theorem 2": False,
        "Lemma 3.2": False}
