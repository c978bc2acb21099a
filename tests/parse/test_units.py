"""Small pure functions, and the docstring examples of the parse package."""

from __future__ import annotations

import doctest
import importlib

import pytest

from paperreview.parse.headings import split_number
from paperreview.parse.references import split_references
from paperreview.parse.text import clean, join_lines, join_two


@pytest.mark.parametrize("left,right,joined", [
    ("experi-", "ments", "experiments"),
    ("state-of-the-", "art", "state-of-the-art"),
    ("pre-", "Training", "pre- Training"),  # capital after the hyphen: not a broken word
    ("soft\u00ad", "hyphen", "softhyphen"),
    ("end.", "Next", "end. Next"),
])
def test_join_two(left, right, joined):
    assert join_two(left, right) == joined


def test_join_lines_cleans_whitespace_and_controls():
    assert join_lines(["  a\u0000b  ", "c\t d"]) == "ab c d"
    assert join_lines(["a soft\u00ad", "hyphen in\u00adside"]) == "a softhyphen inside"


def test_detached_latex_accents_are_joined():
    assert join_lines(["Fern´andez, F´ısica,", "K¨onig, ``quoted''"]) == (
        "Fernández, Física, König, ``quoted''")


@pytest.mark.parametrize("text,expected", [
    ("3.1 Results", ("3.1", "Results")), ("IV. EXPERIMENTS", ("IV", "EXPERIMENTS")),
    ("A.2 Proofs", ("A.2", "Proofs")), ("Introduction", ("", "Introduction")),
    ("2017 was a year", ("", "2017 was a year")),
    ("II.A Legislature", ("II.A", "Legislature")), ("3.2.1Specification", ("3.2.1", "Specification")),
])
def test_split_number(text, expected):
    assert split_number(text) == expected


@pytest.mark.parametrize("module", ["text", "render", "sample", "science_parse", "pipeline"])
def test_doctests(module):
    mod = importlib.import_module(f"paperreview.parse.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, paperreview.parse; "
            "print(any(m in sys.modules for m in ('torch', 'transformers', 'pymupdf')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.stdout.strip() == "False", out.stderr


def test_split_references_styles():
    class L:  # minimal stand-in for Line
        def __init__(self, text, x0=50.0, page=0, col=0, y0=0.0):
            self.text, self.x0, self.page, self.col = text, x0, page, col
            self.y0, self.y1, self.x1, self.size = y0, y0 + 10, 300.0, 9.0

        @property
        def height(self):
            return 10.0

    hanging = [L("Smith, J. 2020. A title", 50, y0=0), L("that wraps. Venue.", 60, y0=11),
               L("Jones, K. 2021. Another.", 50, y0=22)]
    assert split_references(hanging) == ["Smith, J. 2020. A title that wraps. Venue.",
                                         "Jones, K. 2021. Another."]
    numbered = [L("1. First entry"), L("continues"), L("2. Second"), L("3. Third")]
    assert split_references(numbered) == ["1. First entry continues", "2. Second", "3. Third"]


@pytest.mark.parametrize("raw,expected", [
    ("a\tb\x00c  d\n", "a bc d"),  # ASCII with controls and runs of whitespace
    ("  x\x1fy \x0c", "xy"),
    ("Mo`ere  x", "Mo\u00e8re x"),  # LaTeX's detached grave accent, in an ASCII line
    ("``quoted''", "``quoted''"),
    ("caf\u00e9\u00a0\u00a0bar\u200b", "caf\u00e9 bar"),  # the non-ASCII path
    ("Fern\u00b4andez", "Fern\u00e1ndez"),
])
def test_clean(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(("font", "bold", "italic"), [
    ("NimbusRomNo9L-Medi", True, False),       # URW's name for the bold of LaTeX's Times
    ("ABCDEF+NimbusRomNo9L-ReguItal", False, True),
    ("NimbusRomNo9L-MediItal", True, True),
    ("CMBX10", True, False), ("CMTI10", False, True), ("CMBXTI10", True, True),
    ("NimbusRomNo9L-Regu", False, False), ("CMR10", False, False), ("CMMI10", False, False),
    ("Roboto-Medium", False, False), ("F48", False, False), ("DigitalSans-Regular", False, False),
])
def test_weight_and_slant_from_the_font_name_when_flags_say_nothing(font, bold, italic):
    """Some PDFs embed their fonts with descriptors that leave MuPDF's bold/italic flags unset
    (an IEEE paper's italic subsection heads in NimbusRomNo9L-ReguItal were lost so)."""
    from paperreview.parse.provider import _line_from_spans

    spans = [{"text": "A. The Thomas Algorithm", "flags": 4, "font": font, "size": 10.0,
              "bbox": (54.0, 265.0, 161.0, 274.0)}]
    line = _line_from_spans(0, spans, spans)
    assert (line.bold, line.italic) == (bold, italic)


def test_a_reference_entry_in_italics_is_no_heading():
    """TeX sets words apart without space characters, so MuPDF gives one span a word; a
    numbered reference whose title is in italics must not pass for an italic heading."""
    from paperreview.parse.headings import _style
    from paperreview.parse.model import Line

    words = [("19.", False), ("Z.", False), ("Manna", False), ("and", False), ("A.", False),
             ("Pnueli.", False), ("The", True), ("temporal", True), ("logic", True), ("of", True),
             ("reactive", True), ("and", True), ("concurrent", True), ("systems:", True)]
    spans, x = [], 135.0
    for word, italic in words:
        spans.append((word, 9.0, False, x, x + 5 * len(word), italic))
        x += 5 * len(word) + 3
    line = Line(0, (135.0, 592.0, x, 600.0), " ".join(w for w, _ in words), 9.0, "CMTI9", False,
                spans)
    line.italic = True
    assert _style(line, 10.0) is None
    heading = Line(0, (54.0, 265.0, 161.0, 274.0), "A. The Thomas Algorithm", 10.0, "Times-Italic",
                   False, [("A.", 10.0, False, 54.0, 62.0, True),
                           ("The", 10.0, False, 65.0, 80.0, True),
                           ("Thomas", 10.0, False, 83.0, 120.0, True),
                           ("Algorithm", 10.0, False, 123.0, 161.0, True)])
    heading.italic = True
    assert _style(heading, 10.0) == "italic"


@pytest.mark.parametrize(("text", "label"), [
    ("Result 1", True), ("Lemma 3.2", True), ("Theorem 1 (Main)", True), ("Proof.", True),
    ("Proof of Proposition 2", True), ("Proof of Theorem A.1", True),
    ("Results", False), ("Proofs for Section 4", False), ("Proof of concept", False)])
def test_labels_of_statements_and_proofs(text, label):
    from paperreview.parse.headings import STATEMENT

    assert bool(STATEMENT.match(text)) is label


@pytest.mark.parametrize(("heading", "kept"), [
    ("Appendix A Proofs for Section 4", "Proofs for Section 4"), ("Appendix A: Proofs", "Proofs"),
    ("APPENDIX B. More Results", "More Results"), ("Appendix", "Appendix"),
    ("Appendix A", "Appendix A"), ("Appendix Proofs of Lemmas", "Appendix Proofs of Lemmas")])
def test_appendix_label_before_a_heading_is_dropped(heading, kept):
    from paperreview.parse.assemble import APPENDIX_PREFIX

    assert APPENDIX_PREFIX.sub("", heading) == kept


@pytest.mark.parametrize(("text", "algorithm"), [
    ("8: end if", True), ("11 return β", True), ("5 for i ←0 to n −1 do", True),
    ("3 Results", False), ("2 Formal regret", False), ("4 Input and Output", False)])
def test_numbered_lines_of_an_algorithm(text, algorithm):
    from paperreview.parse.headings import ALGO_LINE

    assert bool(ALGO_LINE.match(text)) is algorithm
