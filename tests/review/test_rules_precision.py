"""Must-not-fire cases found by running the checklist on real papers (../shared/data): each test
is a false positive the rule once produced, rebuilt from a short paraphrase of the passage, next
to a case where the rule must still fire."""

from __future__ import annotations

from paperreview.records import Caption, Paper, Section
from paperreview.review.check import check_paper
from paperreview.review.rules.presentation import spelled_out
from tests.review import papers

ML = ("We train a neural network classifier with backpropagation and report accuracy on the "
      "test set. ")


def fired(paper: Paper, rule: str) -> list:
    return [f for f in check_paper(paper) if f.rule == rule]


def with_text(extra: str, heading: str = "Discussion", captions=None) -> Paper:
    p = papers.paper()
    secs = p.sections + [Section(heading=f"9 {heading}", text=extra)]
    return p.model_copy(update={"sections": secs,
                                "captions": p.captions if captions is None else captions})


# figure-table-references -------------------------------------------------------------------

def test_subfigure_captions_are_not_floats():
    """Sub-captions "(a) Growing window." are parts of Figure 1, not floats to cite (2_carpe_diem,
    xai-misconceptions, mixed-isolation-sgt...)."""
    caps = papers.paper().captions + [
        Caption(kind="figure", label="(a)", text="Growing window.", page=1),
        Caption(kind="figure", label="(b)", text="Sliding window.", page=1),
        Caption(kind="figure", label="(a)", text="Early stage.", page=2)]
    assert fired(with_text("Nothing else.", captions=caps), "figure-table-references") == []


def test_a_caption_seen_twice_is_reported_once():
    caps = papers.paper().captions + [Caption(kind="figure", label="4", text="Loss curves.")] * 3
    (f,) = fired(with_text("Nothing else.", captions=caps), "figure-table-references")
    assert "Figure 4 is never referenced" in f.message


def test_word_table_followed_by_I_is_not_a_table_label():
    """"***CLH: This table I believe needs updating" (an author's note, lightkurve)."""
    p = with_text("This table I believe needs a little updating. Compare with Table IV.")
    assert fired(p, "figure-table-references") == []
    # a paper numbering tables in Roman numerals still gets the check
    caps = [Caption(kind="figure", label="1", text="Overview."),
            Caption(kind="table", label="I", text="Results."),
            Caption(kind="table", label="II", text="Ablation.")]
    p = with_text("Table I and Table II hold results, Table IV the rest. Figure 1 too.",
                  captions=caps)
    (f,) = fired(p, "figure-table-references")
    assert "refers to Table IV" in f.message


# undefined-acronyms ------------------------------------------------------------------------

def acronym_paper(text: str) -> Paper:
    return Paper(id="a", title="A systems paper", sections=[
        Section(heading="1 Introduction", text=text)])


def test_acronyms_defined_the_ways_real_papers_define_them():
    uses = " We rely on {a} here. The {a} is fast in practice. Every {a} run was logged today."
    defined = {
        "BPF": "Programs are written for the Berkeley Packet Filter in the kernel.",
        "DSG": "A history is represented by a direct serialization graph, DSG(H), of nodes.",
        "DSD": "The direct spectral detection method (hereafter referred to as the DSD method) "
               "has been used before.",
        "CHIRON": "We use the CHIRON spectrograph (Tokovinin et al. 2013) on the telescope.",
        "NAPI": "NAPI is a mechanism of the Linux kernel that reduces interrupt overhead.",
        "MHD": "We compare with general relativistic magnetohydrodynamic (GRMHD) simulations "
               "of the jets.",
        "DOE": "This work was funded by the Department of Energy of the United States.",
    }
    for acr, text in defined.items():
        assert fired(acronym_paper(text + uses.format(a=acr)), "undefined-acronyms") == [], acr
    # a heading spells it out
    p = Paper(id="h", sections=[Section(heading="2.1 Receive-Side Scaling",
                                        text="We rely on RSS here." + uses.format(a="RSS"))])
    assert fired(p, "undefined-acronyms") == []


def test_identifiers_and_field_names_are_not_acronyms():
    """"HIP 22958" (a catalogue number), "PAY 0" (a feature name), "WMT 2014" and "RLC circuit"."""
    text = ("The stars HIP 22958 and HIP 24902 are binaries of the sample. We study HIP 79199 in "
            "detail below. The model uses PAY 0 as input, and PAY 2 and PAY 3 as well in all of "
            "our runs. We evaluate on the WMT news task as in the WMT shared task of the WMT "
            "series. A simulated RLC circuit is used; the RLC values are fixed; each RLC run "
            "takes a second.")
    assert fired(acronym_paper(text), "undefined-acronyms") == []


def test_an_undefined_acronym_still_fires():
    text = ("We rely on QZX here because it is fast. The QZX is fast in practice on all inputs. "
            "Every QZX run was logged to disk. We went to the left, then the zebra x-rayed it.")
    (f,) = fired(acronym_paper(text), "undefined-acronyms")
    assert "QZX is used 3 times" in f.message
    # a coincidental run of lower-case initials far from any use is not a definition
    assert not spelled_out("TTL", "we go to the left and then much later. Then TTL")


# no-ablation -------------------------------------------------------------------------------

def _ablation_paper(extra: str, heading: str = "Analysis") -> Paper:
    p = papers.paper("no-ablation")
    return p.model_copy(update={"sections": p.sections + [Section(heading=f"9 {heading}",
                                                                  text=extra)]})


def test_no_ablation_still_fires_on_its_plant():
    assert fired(papers.paper("no-ablation"), "no-ablation")


def test_model_variations_and_effect_of_count_as_ablation():
    """"6.2 Model Variations" (attention.pdf), "the effect of the sliding window compared with
    the growing window" (2_carpe_diem), "Per-language models vs. one model" (libertus)."""
    assert fired(_ablation_paper("We vary the number of heads.", "Model Variations"),
                 "no-ablation") == []
    assert fired(_ablation_paper("We show the effect of the sliding window compared with the "
                                 "growing window."), "no-ablation") == []
    assert fired(_ablation_paper("Results are close.", "Per-language models vs. one model"),
                 "no-ablation") == []


# sota-without-table ------------------------------------------------------------------------

def test_prose_comparison_with_cited_numbers_answers_a_sota_claim():
    """dynoNet: no tables, but "compare favorably with other methods [4]. The best results are
    obtained with NFIR (RMSE = 16.3)" written out."""
    p = papers.paper("sota-without-table")
    assert fired(p, "sota-without-table")
    extra = ("Our results compare favorably with other black-box methods on this benchmark. "
             "NFIR and NARX structures were tested on it [4]. The best of them reaches an RMSE "
             "of 16.3, against our 4.52.")
    p = p.model_copy(update={"sections": p.sections + [Section(heading="5 Comparison",
                                                               text=extra)]})
    assert fired(p, "sota-without-table") == []


def test_experiment_evidence_is_never_a_subfigure_caption():
    """With no results heading, evidence points at a results table, not "Figure (a)"."""
    p = Paper(id="x", title="t", abstract=ML, sections=[
        Section(heading="1 Introduction", text=ML + "We get 91.2% accuracy with our model.")],
        captions=[Caption(kind="figure", label="(a)", text="Loss."),
                  Caption(kind="table", label="1", text="Accuracy of our model.")])
    found = fired(p, "missing-reproducibility")
    assert found and found[0].evidence.section == "Table 1"
