"""Budget fitting: the limit holds exactly, cuts follow section priority, nothing kept is altered."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperreview.dataset.budget import cut_points, fit_paper, render_tagged, section_role
from paperreview.errors import InputError
from paperreview.records import Caption, Paper, Section


def words(text: str) -> int:
    return len(text.split())


def para(tag: str, n_words: int) -> str:
    return " ".join(f"{tag}{j}" for j in range(n_words)) + "."


ROLES = {"intro": "1 Introduction", "conclusion": "6 Conclusion", "back": "Appendix A"}


@st.composite
def papers(draw):
    sections = []
    kinds = ["intro"] + draw(st.lists(st.just("middle"), max_size=4)) + ["conclusion"]
    kinds += draw(st.lists(st.just("back"), max_size=2))
    for i, kind in enumerate(kinds):
        sizes = draw(st.lists(st.integers(1, 120), min_size=0, max_size=5))
        text = "\n\n".join(para(f"s{i}p{j}w", n) for j, n in enumerate(sizes))
        heading = ROLES.get(kind, f"{i} Method part {i}")
        sections.append(Section(heading=heading, text=text, appendix=kind == "back"))
    caps = [Caption(label=str(i), text=para("cap", draw(st.integers(1, 20)))) for i in range(2)]
    return Paper(id="p", title="A Title", abstract=para("abs", draw(st.integers(1, 60))),
                 sections=sections, captions=caps)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paper=papers(), budget=st.integers(5, 1500))
def test_fit_respects_the_limit_and_the_priority(paper, budget):
    minimal = words(render_tagged(paper.model_copy(update={"sections": []})))
    if minimal > budget:
        with pytest.raises(InputError, match="budget"):
            fit_paper(paper, budget, words)
        return
    r = fit_paper(paper, budget, words)
    assert r.n_tokens == words(r.text) <= budget
    assert paper.title in r.text and paper.abstract in r.text
    assert all(c.text in r.text for c in paper.captions)
    roles = {s.heading: section_role(s) for s in paper.sections}
    cut = {roles[h] for h in r.truncated}
    for s in paper.sections:
        if s.heading not in r.truncated:
            assert s.text in r.text  # untouched sections are kept whole
    gone = [s for s in paper.sections if s.text and s.text.split("\n\n")[0] not in r.text]
    if "middle" in cut:  # middle sections are cut only after the whole appendix went
        assert all(roles[s.heading] != "back" or s in gone for s in paper.sections if s.text)
    if cut & {"intro", "conclusion"}:
        assert all(roles[s.heading] in ("intro", "conclusion") or s in gone
                   for s in paper.sections if s.text)
    if not r.truncated:
        assert words(render_tagged(paper)) <= budget


def test_cuts_the_appendix_first_then_the_longest_middle_section():
    paper = Paper(id="p", title="T", abstract="A", sections=[
        Section(heading="1 Introduction", text=para("i", 100)),
        Section(heading="2 Method", text="\n\n".join(para(f"m{j}", 100) for j in range(5))),
        Section(heading="3 Experiments", text="\n\n".join(para(f"e{j}", 100) for j in range(2))),
        Section(heading="4 Conclusion", text=para("c", 50)),
        Section(heading="A Proofs", text=para("a", 300), appendix=True),
    ])
    full = words(render_tagged(paper))
    r = fit_paper(paper, full - 250, words)
    assert r.truncated == ["A Proofs"] and "a0" not in r.text
    r = fit_paper(paper, full - 450, words)
    assert r.truncated == ["2 Method", "A Proofs"]
    assert "m4" not in r.text and "m3" not in r.text and "m2" in r.text and "e1" in r.text
    assert r.n_tokens <= full - 450 and r.n_tokens > full - 450 - 100  # one paragraph granularity


def test_fits_with_a_real_bpe_tokenizer(tokenizer_dir):
    from paperreview.dataset.tokens import load_tokenizer

    tok = load_tokenizer(tokenizer_dir)

    def count(text: str) -> int:
        return len(tok(text, add_special_tokens=False)["input_ids"])

    paper = Paper(id="p", title="Learning things", abstract="We study things. " * 5, sections=[
        Section(heading="Introduction", text="\n\n".join(["The paper proposes a method."] * 6)),
        Section(heading="Results", text="\n\n".join(["Table 2 shows strong results."] * 40)),
        Section(heading="Conclusion", text="It works."),
    ])
    full = count(render_tagged(paper))
    for budget in (full - 1, full // 2, full // 4):
        r = fit_paper(paper, budget, count)
        assert r.n_tokens == count(r.text) <= budget
        assert r.truncated == ["Results"]


def test_cut_points_fall_on_paragraphs_and_sentences_in_giant_paragraphs():
    text = "a b.\n\nc d.\n\n" + "Long sentence here. " * 200
    pts = cut_points(text)
    assert pts[:3] == [0, 4, 10]
    assert len(pts) > 100 and all(text[p - 1] == "." for p in pts[3:])


def test_fits_real_papers_from_peerread(peerread_dir, tokenizer_dir):
    """Science-parse papers (real headings like "1 INTRODUCTION", real paragraph sizes)."""
    from paperreview.dataset.tokens import TokenCounter
    from paperreview.parse.science_parse import load_science_parse

    files = sorted(peerread_dir.glob("data/iclr_2017/train/parsed_pdfs/*.pdf.json"))[:2]
    if not files:
        pytest.skip("no PeerRead parsed_pdfs in the shared data")
    with TokenCounter(tokenizer_dir) as counter:
        for f in files:
            paper = load_science_parse(f)
            full = counter.count(render_tagged(paper))
            floor = counter.count(render_tagged(paper.model_copy(update={"sections": []})))
            budget = max(floor, full // 2)
            r = fit_paper(paper, budget, counter.count)
            assert r.n_tokens == counter.count(r.text) <= budget
            assert paper.title.strip() in r.text
            roles = [section_role(s) for s in paper.sections if s.heading in r.truncated]
            if "intro" in roles:  # intro cut only once every middle section is gone
                kept = [s for s in paper.sections if s.heading not in r.truncated]
                assert all(section_role(s) in ("intro", "conclusion") for s in kept)
