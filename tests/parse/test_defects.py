"""The defect classes found on unseen real papers (issue 18), one generated paper each
(tests/parse/layouts.py ``DEFECTS``): each test fails without its fix."""

from __future__ import annotations

import re

import pytest

from paperreview.parse import parse_pdf
from tests.parse.layouts import ABSTRACT, DEFECTS, write_defect


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _parse(tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    expect = write_defect(path, name)
    return parse_pdf(path), expect


def _body(paper) -> str:
    return "\n".join(s.text for s in paper.sections if not s.appendix)


@pytest.mark.parametrize("name", ["wrapfigure", "column_float"])
def test_floats_in_the_column_stay_out_of_the_sentence(tmp_path, name):
    paper, expect = _parse(tmp_path, name)
    assert _norm(expect["paragraph"]) in _norm(_body(paper)), _body(paper)
    if "after" in expect:
        assert _norm(expect["after"]) in _norm(_body(paper))
    assert [_norm(c.text) for c in paper.captions] == [_norm(c) for c in expect["captions"]]
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]
    for fragment in expect["not_in_body"]:
        assert _norm(fragment) not in _norm(_body(paper)), fragment
    assert [(f.page, f.text) for f in paper.footnotes] == expect["footnotes"]  # kept apart
    if "table_paragraph" in expect:  # a table's cells: a paragraph of their own, not mid-sentence
        assert expect["table_paragraph"] in _body(paper).split("\n")


@pytest.mark.parametrize("name", ["title_sizes_subtitle", "title_caps_hyphen",
                                  "title_in_running_heads"])
def test_title_whole(tmp_path, name):
    paper, expect = _parse(tmp_path, name)
    assert paper.title == expect["title"]
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]


@pytest.mark.parametrize("name", ["authors_marks", "authors_blocks"])
def test_authors_are_people_with_affiliations_and_emails(tmp_path, name):
    paper, expect = _parse(tmp_path, name)
    assert paper.authors == [n for n, _, _ in expect["authors"]]
    assert len(paper.author_details) == len(expect["authors"])
    for got, (name_, affs, mails) in zip(paper.author_details, expect["authors"]):
        assert got.name == name_
        assert [_norm(a) for a in got.affiliations] == [_norm(a) for a in affs], got
        assert got.emails == mails, got
    assert [s.heading for s in paper.sections if s.heading] == ["Introduction"]


def test_abstract_of_two_paragraphs_across_columns(tmp_path):
    paper, expect = _parse(tmp_path, "abstract_two_paragraphs_two_columns")
    assert _norm(paper.abstract) == _norm(expect["abstract"])
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]


def test_unlabelled_abstract_with_a_line_split_at_the_middle(tmp_path):
    paper, expect = _parse(tmp_path, "abstract_revtex_split_line")
    assert _norm(paper.abstract) == _norm(expect["abstract"])


def test_thesis_title_abstract_running_heads_and_chapters(tmp_path):
    paper, expect = _parse(tmp_path, "thesis")
    assert paper.title == expect["title"]
    assert _norm(paper.abstract) == _norm(expect["abstract"])
    assert [(s.level, s.heading) for s in paper.sections if s.heading] == expect["sections"]
    assert "CHAPTER" not in _body(paper)


def test_thesis_in_the_body_font(tmp_path):
    paper, expect = _parse(tmp_path, "thesis_body_font")
    assert paper.title == expect["title"]
    assert [(s.level, s.heading) for s in paper.sections if s.heading] == expect["sections"]
    assert "CHAPTER" not in _body(paper)


def test_subsections_without_weight(tmp_path):
    paper, expect = _parse(tmp_path, "subsections_without_weight")
    assert [(s.level, s.heading) for s in paper.sections if s.heading] == expect["sections"]


@pytest.mark.parametrize("name", ["double_spaced", "double_spaced_unlabelled"])
def test_double_spaced_lines_join_into_paragraphs(tmp_path, name):
    paper, expect = _parse(tmp_path, name)
    assert paper.abstract == ABSTRACT.strip()  # one paragraph, double-spaced too
    assert [s.text for s in paper.sections if s.heading] == [expect["text"]]


def test_acm_front_blocks_are_not_sections(tmp_path):
    paper, expect = _parse(tmp_path, "acm_front_blocks")
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]
    lead = paper.sections[0]
    assert lead.heading == "" and all(part in lead.text for part in expect["lead"]), lead.text


def test_line_numbers_go_when_later_pages_hold_figures_alone(tmp_path):
    paper, expect = _parse(tmp_path, "review_copy_figure_pages")
    assert paper.title == expect["title"]
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]
    intro = next(s.text for s in paper.sections if s.heading == "Introduction")
    assert _norm(expect["text"]) in _norm(intro)


def test_line_numbers_of_a_title_page_go_with_the_gutters_of_later_pages(tmp_path):
    from paperreview.parse.furniture import remove_line_numbers
    from paperreview.parse.provider import load

    write_defect(tmp_path / "p.pdf", "review_copy_figure_pages")
    state = load(tmp_path / "p.pdf")
    remove_line_numbers(state)
    assert [ln.text for ln in state.pages[0].lines] == [
        "Line Numbers Beside the Text", "and Not Beside the Figures", "Ada Author and Bob Author"]


def test_journal_line_and_running_heads_set_large(tmp_path):
    paper, expect = _parse(tmp_path, "journal_heads")
    assert paper.abstract == expect["abstract"].strip()
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]
    for fragment in expect["not_in_body"]:
        assert _norm(fragment) not in _norm(_body(paper)), fragment


def test_subfigure_labels_in_a_row_and_roman_numerals_in_a_caption(tmp_path):
    paper, expect = _parse(tmp_path, "subfigure_row")
    assert sorted(c.text for c in paper.captions) == sorted(expect["captions"])


def test_list_items_with_bold_lead_ins_and_checklist_questions_are_no_sections(tmp_path):
    paper, expect = _parse(tmp_path, "checklist")
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]
    for item in expect["body"]:
        assert _norm(item) in _norm(_body(paper)), item


def test_italic_run_in_subsubsections_and_a_number_without_a_space(tmp_path):
    paper, expect = _parse(tmp_path, "acm_subsubsections")
    assert [(s.level, s.heading) for s in paper.sections if s.heading] == expect["sections"]
    assert next(s.text for s in paper.sections if s.heading == "Sleep Posture Detection"
                ).startswith("Dreaming and sleep quality are linked")
    assert next(s.text for s in paper.sections if s.heading.startswith("Proposal Adaptation")
                ).startswith("Let us focus")


def test_hyphenated_bold_line_and_italic_reference_entries_are_no_headings(tmp_path):
    paper, expect = _parse(tmp_path, "lines_like_headings")
    assert [s.heading for s in paper.sections if s.heading] == expect["headings"]
    assert len(paper.references) == expect["n_references"]


def test_springer_captions_with_a_bold_label_and_no_colon(tmp_path):
    paper, expect = _parse(tmp_path, "springer_captions")
    assert [c.text for c in paper.captions] == expect["captions"]
    assert [c.label for c in paper.captions] == ["1", "A1"]
    assert _norm(expect["body"]) in _norm(_body(paper))


def test_ieee_labels_alone_on_their_lines(tmp_path):
    paper, expect = _parse(tmp_path, "ieee_label_lines")
    assert [c.text for c in paper.captions] == expect["captions"]
    assert [(c.kind, c.label) for c in paper.captions] == [("figure", "1"), ("table", "I")]


def test_counting_column_is_not_a_line_number_gutter(tmp_path):
    paper, expect = _parse(tmp_path, "table_counting_column")
    assert not paper.metadata.get("removed", {}).get("line_numbers")
    for row in expect["kept"]:
        assert row in _body(paper), row


@pytest.mark.parametrize("name", ["references_then_figures", "references_no_heading",
                                  "references_small_no_heading"])
def test_references_end_where_they_end(tmp_path, name):
    paper, expect = _parse(tmp_path, name)
    assert len(paper.references) == expect["n_references"], paper.references
    assert "Journal of Things" not in _body(paper)
    assert [_norm(c.text) for c in paper.captions] == [_norm(c) for c in expect["captions"]]
    assert not any("Figure" in r or "epochs" in r for r in paper.references)
    assert paper.references[-1].endswith("Journal of Things, 10:71."), paper.references[-1]


def test_revtex_caption_and_a_body_sentence_about_a_figure(tmp_path):
    paper, expect = _parse(tmp_path, "captions_revtex_and_body")
    assert [_norm(c.text) for c in paper.captions] == [_norm(c) for c in expect["captions"]]
    assert _norm(expect["body"]) in _norm(_body(paper))


def test_every_defect_has_a_test():
    assert len(DEFECTS) == 28


def test_paragraph_end_above_a_table_is_text_and_table_cells_are_kept(sample_pdf):
    """A paragraph's one-word last line right above a table caption stays in the sentence;
    the table's cells stay in the section as a paragraph of their own."""
    paper = parse_pdf(sample_pdf)
    text = next(s.text for s in paper.sections if s.heading == "Experiments")
    assert "together with the evaluation protocol.\n" in text
    assert text.endswith("Model Hit rate Rating Baseline 0.28 5.1 Ours 0.41 5.6")
