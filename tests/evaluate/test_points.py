from paperreview.evaluate.points import (
    points_from_structured,
    split_points,
    split_sentences,
    tag_aspect,
)


def test_bullets_are_points_and_headers_are_dropped():
    text = ("Strengths:\n- Clear writing and good figures.\n- Strong results on ImageNet and "
            "CIFAR.\n  This continues the bullet.\n\nWeaknesses:\n1) The baselines are weak.\n"
            "2) No ablation of the gating module.")
    pts = [p.text for p in split_points(text)]
    assert pts == ["Clear writing and good figures.",
                   "Strong results on ImageNet and CIFAR. This continues the bullet.",
                   "The baselines are weak.", "No ablation of the gating module."]


def test_prose_split_into_sentences_keeps_abbreviations():
    s = split_sentences("Results follow Smith et al. 2020 closely. See e.g. Fig. 2 for details! "
                        "Is the code available?")
    assert s == ["Results follow Smith et al. 2020 closely.", "See e.g. Fig. 2 for details!",
                 "Is the code available?"]


def test_short_fragments_and_summary_sentences():
    text = "This paper proposes a new optimizer for transformers. Nice. The proofs are incorrect."
    assert [p.text for p in split_points(text)] == [
        "This paper proposes a new optimizer for transformers.", "The proofs are incorrect."]
    assert [p.text for p in split_points(text, include_summary=False)] == [
        "The proofs are incorrect."]


def test_aspect_tagging():
    assert tag_aspect("The baselines are weak and the ablation study is missing.") == "soundness"
    assert tag_aspect("The notation is confusing and there are many typos.") == "clarity"
    assert tag_aspect("The idea is incremental and not novel.") == "novelty"
    assert tag_aspect("This paper proposes a method for X.") == "summary"
    assert tag_aspect("I like cats.") == "other"


def test_structured_review_points_keep_template_aspects():
    review = {"summary": "ignored", "weaknesses": [{"title": "Weak baselines", "detail": "No BERT."},
                                                   "plain string point"],
              "clarity": [{"title": "Dense prose"}]}
    pts = points_from_structured(review, source="g")
    assert [(p.text, p.aspect, p.meta["section"]) for p in pts] == [
        ("Weak baselines. No BERT.", "soundness", "weaknesses"),  # keyword tag: not an aspect key
        ("plain string point", "other", "weaknesses"),
        ("Dense prose", "clarity", "clarity")]                   # an aspect key is kept
