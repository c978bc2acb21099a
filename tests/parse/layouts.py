"""Papers in the layouts of other venues, drawn with PyMuPDF, with the truth the parser should
recover: one/two columns, Times/Helvetica, numbered (1, 1., I.) and unnumbered headings, ALL-CAPS
and small-caps headings, centred headings, headings that wrap, run-in and labelled abstracts,
"TABLE I" labels above tables, references as [1], "1." and author-year with hanging indents.

``write_layout(path, name)`` draws one and returns its truth (the fields of a ``*.truth.json``
that benchmarks/parse_quality.py reads); ``python -m tests.parse.layouts DIR`` writes them all.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pymupdf

W, H = 612.0, 792.0
TEXT = ("The method estimates the posterior distribution of the latent parameters from noisy "
        "observations and compares it with standard baselines on several data sets. We find that "
        "the estimator is consistent under mild assumptions and that its variance decreases with "
        "the number of samples, as predicted by the theory developed in the previous section. ")
ABSTRACT = "We study the estimation of latent structure from noisy observations. " + TEXT
SECTIONS = [(1, "Introduction"), (1, "Related Work"), (1, "Method"), (2, "Model Definition"),
            (2, "Estimation Procedure"), (1, "Experiments"), (2, "Synthetic Data"),
            (1, "Applicability of the Analytic Perturbation Approach to Rotating Jets"),
            (1, "Conclusion")]
REFS = [("Smith, J.", 2001, "On estimation of structure"),
        ("Jones, K.", 2005, "Latent models revisited in depth and at length for the reader"),
        ("Brown, L.", 2010, "Noise and robustness of estimators"),
        ("Garcia, M.", 2012, "A survey of methods"),
        ("Lee, H.", 2015, "Consistency of robust estimation under heavy tails and others"),
        ("Kim, S.", 2018, "Deep latent structure"), ("Wang, Y.", 2020, "Benchmarks")]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _width(text: str, font: str, size: float) -> float:
    return pymupdf.get_text_length(text, fontname=font, fontsize=size)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    out, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}" if cur else word
        if _width(trial, font, size) <= width or not cur:
            cur = trial
        else:
            out.append(cur)
            cur = word
    return out + [cur] if cur else out


class _Flow:
    def __init__(self, lay: dict):
        self.lay, self.doc = lay, pymupdf.open()
        self.cols, self.margin, self.gap = lay["cols"], lay["margin"], 20.0
        self.cw = (W - 2 * self.margin - self.gap * (self.cols - 1)) / self.cols
        self.page = self.doc.new_page(width=W, height=H)
        self.col, self.y, self.top = 0, 72.0, 72.0

    def x(self) -> float:
        return self.margin + self.col * (self.cw + self.gap)

    def ensure(self, height: float) -> None:
        if self.y + height <= H - 72:
            return
        if self.col + 1 < self.cols:
            self.col, self.y = self.col + 1, self.top
        else:
            self.page = self.doc.new_page(width=W, height=H)
            self.col, self.y = 0, 72.0

    def put(self, text: str, font: str, size: float, center: bool = False, dx: float = 0.0,
            smallcaps: bool = False) -> None:
        self.ensure(size * 1.25)
        runs = [(text, size)]
        if smallcaps:  # "INTRODUCTION" as I + NTRODUCTION at 80%, as LaTeX's \textsc draws it
            runs = [r for word in text.split(" ")
                    for r in ((word[:1], size), (word[1:].upper() + " ", size * 0.8))]
        x = self.x() + dx
        if center:
            x = self.x() + (self.cw - sum(_width(t, font, s) for t, s in runs)) / 2
        for t, s in runs:
            self.page.insert_text((x, self.y + size), t, fontname=font, fontsize=s)
            x += _width(t, font, s)
        self.y += size * 1.25

    def para(self, text: str, indent: float = 12.0) -> None:
        font, size = self.lay["body"], self.lay["size"]
        for i, line in enumerate(_wrap(text, font, size, self.cw - indent)):
            self.put(line, font, size, dx=indent if i == 0 else 0.0)
        self.y += 2

    def table(self) -> None:
        size = self.lay["size"] - 1
        for r, row in enumerate([("Method", "Error", "Time"), ("Ours", "0.13", "1.5"),
                                 ("Baseline", "0.23", "2.5")]):
            for c, cell in enumerate(row):
                self.page.insert_text((self.x() + 10 + c * self.cw / 3, self.y + size), cell,
                                      fontname=self.lay["body"], fontsize=size)
            self.y += size * 1.4


def _numberer(style: str):
    count = [0, 0]

    def number(level: int) -> str:
        if level == 1:
            count[0], count[1] = count[0] + 1, 0
        else:
            count[1] += 1
        if style == "none":
            return ""
        if style == "roman":
            return f"{ROMAN[count[0] - 1]}. " if level == 1 else f"{chr(64 + count[1])}. "
        if style == "dot":
            return f"{count[0]}. " if level == 1 else f"{count[0]}.{count[1]}. "
        return f"{count[0]} " if level == 1 else f"{count[0]}.{count[1]} "
    return number


def _front(flow: _Flow, lay: dict, title: str) -> None:
    full, y = W - 2 * flow.margin, 72.0
    for line in _wrap(lay["case"](title) if lay.get("caps_title") else title, lay["title_font"],
                      16, full * 0.85):
        flow.page.insert_text((flow.margin + (full - _width(line, lay["title_font"], 16)) / 2,
                               y + 16), line, fontname=lay["title_font"], fontsize=16)
        y += 21
    for line in ("Alice Martin, Bob Chen and Carol Diaz",
                 "Department of Physics, University of Somewhere"):
        flow.page.insert_text((flow.margin + (full - _width(line, lay["body"], 11)) / 2, y + 15),
                              line, fontname=lay["body"], fontsize=11)
        y += 16
    flow.y = flow.top = y + 20
    style, size = lay["abstract"], lay["size"]
    if style == "runin":  # IEEE: "Abstract—We study..." in one paragraph
        for line in _wrap("Abstract—" + ABSTRACT, lay["body"], size - 1, flow.cw):
            flow.put(line, lay["body"], size - 1)
    else:  # "Abstract" centred / "ABSTRACT" left / none (REVTeX)
        if style != "none":
            flow.put("Abstract" if style == "label" else "ABSTRACT", lay["head_font"], size + 1,
                     center=style == "label")
        flow.para(ABSTRACT, indent=0)
    flow.y += 6


def write_layout(path: str | Path, name: str) -> dict:
    """Draw the paper in layout ``name`` (a key of :data:`LAYOUTS`) and return its truth."""
    lay = LAYOUTS[name]
    flow, number = _Flow(lay), _numberer(lay["number"])
    title = "Robust Estimation of Latent Structure in Noisy Observations"
    truth: dict = {"title": title, "abstract": ABSTRACT, "sections": [], "captions": [],
                   "n_references": len(REFS), "layout": name}
    _front(flow, lay, title)
    size = lay["size"]
    for k, (level, head) in enumerate(SECTIONS):
        font, hsize = (lay["head_font"], lay["head_size"]) if level == 1 else (lay["sub_font"], size)
        flow.y += size * 0.8
        flow.ensure(size * 6)
        label = number(level)
        text = label + (lay["case"](head) if level == 1 else head)
        for line in _wrap(text, font, hsize, flow.cw * 0.9):
            flow.put(line, font, hsize, center=lay.get("center", False) and level == 1,
                     smallcaps=lay.get("smallcaps", False) and level == 1)
        flow.y += 2
        truth["sections"].append({"level": level, "heading": head})
        flow.para(TEXT)
        flow.para("In particular, " + TEXT.lower())
        if k in (1, 4):
            _float(flow, lay, k, truth)
    flow.y += size
    flow.ensure(size * 4)
    flow.put(lay.get("ref_head", "References"), lay["head_font"], lay["head_size"],
             center=lay.get("center", False))
    for k, (author, year, what) in enumerate(REFS):
        entry = f"{author} {year}. {what}. Journal of Things, {k + 3}:{10 * k + 1}."
        entry = {"bracket": f"[{k + 1}] ", "number": f"{k + 1}. "}.get(lay["refs"], "") + entry
        lines = _wrap(entry, lay["body"], size - 1, flow.cw - 14)
        flow.put(lines[0], lay["body"], size - 1)
        for line in lines[1:]:
            flow.put(line, lay["body"], size - 1, dx=14)
    flow.doc.save(str(path))
    return truth


def _float(flow: _Flow, lay: dict, k: int, truth: dict) -> None:
    n, size = (k + 2) // 3, lay["size"] - 1
    kind = "Figure" if k == 1 else "Table"
    cap = f"Results of the estimator on data set {n} for increasing sample sizes and noise levels."
    truth["captions"].append(cap)
    label = lay["cap_label"](kind, n)
    flow.ensure(130)
    if kind == "Table" and lay.get("label_above"):  # IEEE: "TABLE I" then the title, centred
        flow.put(label, lay["body"], size, center=True)
        for line in _wrap(cap, lay["body"], size, flow.cw):
            flow.put(line, lay["body"], size, center=True)
        flow.table()
    else:
        if kind == "Table":
            flow.table()
            flow.y += 4  # LaTeX's \abovecaptionskip is larger; a tight one must work too
        else:
            box = pymupdf.Rect(flow.x() + 10, flow.y, flow.x() + flow.cw - 10, flow.y + 60)
            flow.page.draw_rect(box, color=(0, 0, 0))
            flow.y += 66
        for line in _wrap(f"{label}{lay['cap_sep']}{cap}", lay["body"], size, flow.cw):
            flow.put(line, lay["body"], size)
    flow.y += 8


def _same(text: str) -> str:
    return text


BASE = {"cols": 2, "margin": 54.0, "body": "tiro", "size": 10.0, "title_font": "tibo",
        "head_font": "tibo", "head_size": 12.0, "sub_font": "tibo", "case": _same,
        "abstract": "label", "number": "plain", "cap_label": lambda kind, n: f"{kind} {n}",
        "cap_sep": ": ", "refs": "bracket"}
_IEEE = dict(BASE, head_font="tiro", head_size=10.0, sub_font="tiit", case=str.upper, center=True,
             abstract="runin", number="roman", ref_head="REFERENCES", label_above=True,
             cap_label=lambda kind, n: f"Fig. {n}" if kind == "Figure" else f"TABLE {ROMAN[n - 1]}",
             cap_sep=". ")
LAYOUTS: dict[str, dict] = {
    "acl": dict(BASE, refs="authoryear"),
    "ieee_smallcaps": dict(_IEEE, smallcaps=True),
    "ieee_caps": _IEEE,
    # the last page's right column holds one line: the gutter is found all the same
    "ieee_9pt_short_last_column": dict(_IEEE, size=9.0, head_size=9.0, margin=50.0),
    "acm_sans_caps": dict(BASE, head_font="hebo", sub_font="hebo", head_size=10.0, case=str.upper,
                          abstract="caps"),
    "icml": dict(BASE, number="dot", head_size=11.0, refs="authoryear"),
    "one_column_unnumbered": dict(BASE, cols=1, margin=90.0, size=11.0, number="none",
                                  refs="authoryear", head_size=13.0),
    "one_column_helvetica": dict(BASE, cols=1, margin=80.0, body="helv", head_font="hebo",
                                 sub_font="hebo", title_font="hebo", refs="number"),
    "aas_caps_centred": dict(BASE, case=str.upper, center=True, number="dot", head_size=10.0,
                             head_font="tiro", sub_font="tiit", refs="authoryear",
                             abstract="caps", ref_head="REFERENCES"),
    "revtex": dict(BASE, case=str.upper, center=True, number="roman", head_size=10.0,
                   abstract="none", cap_sep=". ",
                   cap_label=lambda kind, n: "FIG. 1" if kind == "Figure" else f"TABLE {ROMAN[n - 1]}"),
    "thesis_12pt": dict(BASE, cols=1, margin=90.0, size=12.0, head_size=16.0, refs="authoryear"),
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "layouts")
    out.mkdir(parents=True, exist_ok=True)
    for layout in LAYOUTS:
        truth = write_layout(out / f"{layout}.pdf", layout)
        (out / f"{layout}.truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    print(f"wrote {len(LAYOUTS)} papers to {out}")


# --------------------------------------------------------------------------------------------
# Defect classes seen on unseen real papers (issue 18): one small generated paper each, with what
# the parser must get right. ``write_defect(path, name)`` draws one and returns its expectations.

SENT = ("The estimator converges to the true parameters as the number of samples grows, and "
        "its error decreases at the rate predicted by the analysis in the previous section. ")


class _Pages:
    """Free placement of text on letter pages (for layouts the flowing writer cannot draw)."""

    def __init__(self) -> None:
        self.doc = pymupdf.open()
        self.page = self.doc.new_page(width=W, height=H)

    def new(self) -> None:
        self.page = self.doc.new_page(width=W, height=H)

    def text(self, x: float, y: float, text: str, font: str = "tiro", size: float = 10.0) -> float:
        """Put ``text`` with its top at ``y``; return the x after it."""
        self.page.insert_text((x, y + size), text, fontname=font, fontsize=size)
        return x + _width(text, font, size)

    def para(self, x: float, y: float, width: float, text: str, size: float = 10.0,
             font: str = "tiro", lead: float = 1.22) -> float:
        """A wrapped paragraph; returns the y below it."""
        for line in _wrap(text, font, size, width):
            self.text(x, y, line, font, size)
            y += size * lead
        return y

    def centre(self, y: float, text: str, font: str = "tibo", size: float = 10.0,
               x0: float = 72.0, x1: float = W - 72.0) -> None:
        self.text(x0 + (x1 - x0 - _width(text, font, size)) / 2, y, text, font, size)

    def save(self, path: str | Path) -> None:
        self.doc.save(str(path))


def _opening(d: _Pages, title: str, heading: str) -> float:
    """Title, a labelled abstract and the first numbered heading 10 pt below it; returns the y
    under the abstract (the layouts place what follows from there)."""
    d.centre(72, title, size=16)
    d.centre(100, "Abstract", size=11)
    y = d.para(100, 118, 412, ABSTRACT)
    d.text(72, y + 10, heading, "tibo", 12)
    return y


def _defect_wrapfigure(d: _Pages) -> dict:
    """A figure inside the text column (wrapfigure): tick labels, a legend and the caption sit
    beside the lines of a paragraph; a footnote at the foot of the page."""
    d.centre(72, "Estimation With Figures Beside the Text", size=16)
    y = d.para(72, 140, 468, "Abstract " + ABSTRACT)
    d.text(72, y + 12, "1 Introduction", "tibo", 12)
    y = d.para(72, y + 34, 468, SENT + SENT)
    para = SENT * 3 + "This sentence ends the wrapped paragraph."
    top = y + 6
    y_text = d.para(72, top, 280, para)
    d.page.draw_rect(pymupdf.Rect(372, top, 540, top + 80), color=(0, 0, 0))
    for k, tick in enumerate(("0.0", "0.5", "1.0")):  # y-axis ticks, a legend, an axis label
        d.text(362, top + 4 + 30 * k, tick, "helv", 6)
    d.text(470, top + 6, "Ours", "helv", 6)
    d.text(470, top + 14, "Baseline", "helv", 6)
    d.text(430, top + 82, "Sample size", "helv", 6)
    cap = "Error of the estimator for growing sample sizes and two noise levels."
    d.para(372, top + 96, 168, "Figure 1: " + cap, size=9)
    after = "After the figure the text runs across the full width again and closes the section."
    y = d.para(72, max(y_text, top + 140) + 6, 468, after)
    d.text(72, y + 12, "2 Method", "tibo", 12)
    d.para(72, y + 34, 468, SENT + "We use the public split.")
    d.page.draw_line((72, 690), (180, 690))
    d.text(72, 694, "1 The code is released under an open licence.", size=8)
    return {"title": "Estimation With Figures Beside the Text", "captions": [cap],
            "headings": ["Introduction", "Method"], "paragraph": para, "after": after,
            "not_in_body": ["Baseline", "Sample size", "open licence"],
            "footnotes": [(1, "1 The code is released under an open licence.")]}


def _defect_column_float(d: _Pages) -> dict:
    """Two columns: a sentence runs from the foot of the left column, past a footnote and a
    table with a bold header row at the top of the right column, into the right column."""
    d.centre(72, "Tables at the Top of a Column", size=16)
    d.centre(100, "Abstract", size=11)
    y = d.para(72, 118, 468, ABSTRACT)
    d.text(72, y + 10, "1 Introduction", "tibo", 12)
    y = top = y + 30
    col = 228
    while y < 640:  # the left column fills up with running text
        y = d.para(72, y, col, SENT) + 4
    running = "This sentence starts at the foot of the left column and it continues in the " \
              "right column after the table that the layout placed at the top of that column."
    lines = _wrap(running, "tiro", 10, col)
    d.text(72, y, lines[0])
    d.page.draw_line((72, 700), (140, 700))
    d.text(72, 704, "1 We use the public split of the data.", size=8)
    x = 312
    d.text(x + 60, top, "Test Results", "tibo", 10)  # a header spanning the columns
    top += 16
    for r, row in enumerate([("Model", "Accuracy", "Params"), ("Ours", "91.2", "7B"),
                             ("Baseline", "88.0", "13B")]):
        for c, cell in enumerate(row):
            d.text(x + 10 + 70 * c, top + 14 * r, cell, "tibo" if r == 0 else "tiro", 10)
    cap = "Accuracy and size of the models on the test split."
    y = d.para(x, top + 52, col, "Table 1: " + cap, size=9) + 10
    y = d.para(x, y, col, " ".join(lines[1:]))
    d.para(x, y + 4, col, SENT)
    return {"title": "Tables at the Top of a Column", "captions": [cap],
            "headings": ["Introduction"], "paragraph": running,
            "not_in_body": ["public split"],
            "footnotes": [(1, "1 We use the public split of the data.")],
            "table_paragraph": "Test Results Model Accuracy Params Ours 91.2 7B Baseline 88.0 "
                               "13B"}


def _defect_title(d: _Pages, caps: bool = False) -> dict:
    """Title lines a fraction of a point apart in size, with a subtitle; or an all-caps title
    hyphenated at the line break."""
    if caps:
        d.centre(72, "ROBUST DE-", size=17)
        d.centre(94, "NOISING OF LATENT STRUCTURE", size=17)
        title = "ROBUST DENOISING OF LATENT STRUCTURE"
    else:
        d.centre(72, "Robust Estimation of Latent Structure:", size=17.2)
        d.centre(94, "Theory and Practice", size=17.9)
        d.centre(118, "A Study of Noisy Observations", "tiro", 13.2)  # acmart: 0.7 of the title
        title = "Robust Estimation of Latent Structure: Theory and Practice " \
                "A Study of Noisy Observations"
    d.centre(150, "Alice Martin", "tiro", 11)
    d.centre(190, "Abstract", size=11)
    y = d.para(100, 208, 412, ABSTRACT)
    d.text(72, y + 10, "1 Introduction", "tibo", 12)
    d.para(72, y + 30, 468, SENT * 3)
    return {"title": title, "headings": ["Introduction"]}


def _defect_title_in_running_heads(d: _Pages) -> dict:
    """LNCS: the title sits in the page's top tenth, and the odd pages repeat it (small, in the
    same band) as their running head."""
    title = "Aggregated Estimators for Stateless Latent Structure"
    d.centre(48, title, size=14.3)
    d.centre(84, "Alice Martin and Bob Chen", "tiro", 10)
    d.centre(120, "Abstract.", size=9)
    y = d.para(100, 134, 412, ABSTRACT, size=9)
    d.text(72, y + 10, "1 Introduction", "tibo", 12)
    d.para(72, y + 30, 468, SENT * 6)
    for k in range(2, 6):
        d.new()
        d.centre(40, title if k % 2 else "A. Martin and B. Chen", "tiro", 9)
        d.text(520, 40, str(k), "tiro", 9)
        d.para(72, 72, 468, SENT * 12)
    return {"title": title, "headings": ["Introduction"]}


def _defect_authors(d: _Pages, blocks: bool = False) -> dict:
    """Authors with affiliation marks, an address, e-mails; or side-by-side author blocks."""
    d.centre(72, "Robust Estimation of Latent Structure", size=16)
    people = [("Alice Martin", "University of Somewhere, London NW1 2AB", "alice@some.edu"),
              ("Bob Chen", "Institute of Things, Paris", "bob.chen@things.fr"),
              ("Carol Diaz", "University of Somewhere, London NW1 2AB", "carol@some.edu")]
    if blocks:  # ICML/NeurIPS-like: one block per author, side by side
        for k, (name, aff, mail) in enumerate(people):
            x0 = 72 + 156 * k
            d.centre(106 + (k == 1) * 0.6, name, "tibo", 11, x0, x0 + 156)
            d.centre(122, aff.split(",")[0], "tiro", 9, x0, x0 + 156)
            d.centre(134, aff.split(",", 1)[1].strip(), "tiro", 9, x0, x0 + 156)
            d.centre(146, mail, "cour", 8, x0, x0 + 156)
    else:
        x = 150.0
        for k, (name, mark) in enumerate((("Alice Martin", "1"), ("Bob Chen", "2"),
                                          ("Carol Diaz", "1"))):
            x = d.text(x, 106, name, "tiro", 11)
            d.page.insert_text((x, 110), mark, fontname="tiro", fontsize=7)
            x = d.text(x + 4, 106, ", " if k < 2 else "", "tiro", 11) + 2
        d.centre(124, "1University of Somewhere, London NW1 2AB", "tiit", 9)
        d.centre(136, "2Institute of Things, Paris", "tiit", 9)
        d.centre(148, "{alice, carol}@some.edu, bob.chen@things.fr", "cour", 8)
    d.centre(180, "Abstract", size=11)
    y = d.para(100, 198, 412, ABSTRACT)
    d.text(72, y + 10, "1 Introduction", "tibo", 12)
    d.para(72, y + 30, 468, SENT * 3)
    return {"authors": [(n, [a], [m]) for n, a, m in people]}


def _defect_abstract(d: _Pages) -> dict:
    """A two-paragraph abstract whose second paragraph runs on into the right column."""
    d.centre(72, "Abstracts in More Than One Paragraph", size=16)
    d.centre(110, "Abstract", "tibo", 11, 72, 300)
    first = ABSTRACT
    second = ("In a second paragraph we describe the experiments. " + SENT * 11
              + "The last sentence of the abstract ends here.")
    y = d.para(82, 128, 208, first)
    lines = _wrap(second, "tiro", 10, 208)
    y += 6
    k = 0
    while y < 690 and k < len(lines):
        d.text(82, y, lines[k])
        y, k = y + 12.2, k + 1
    d.page.draw_line((82, 706), (150, 706))
    d.text(82, 710, "1 University of Somewhere, London", size=8)
    d.text(82, 720, "2 Institute of Things, Paris", size=8)
    y = d.para(322, 110, 208, " ".join(lines[k:])) + 10
    d.text(312, y, "1 Introduction", "tibo", 12)
    d.para(312, y + 20, 228, SENT * 2)
    return {"abstract": first + " " + second, "headings": ["Introduction"]}


def _defect_revtex_abstract(d: _Pages) -> dict:
    """REVTeX: an unlabelled abstract across the page over two-column text; one of its lines
    justified with a wide space at the page's middle (it must not be cut into two columns)."""
    d.centre(72, "Atomic Potentials for Carbon Chains", size=14)
    d.centre(92, "Alice Martin and Bob Chen", "tiro", 10)
    lines = _wrap(ABSTRACT + " " + SENT, "tiro", 10, 396)
    y = 120
    for k, line in enumerate(lines):
        if k == 2:  # "... first half." + wide space + "Second half ..."
            words = line.split()
            half = len(words) // 2
            d.text(108, y, " ".join(words[:half]))
            right = " ".join(words[half:])
            d.text(504 - _width(right, "tiro", 10), y, right)
        else:
            d.text(108, y, line)
        y += 12
    d.text(72, y + 20, "I. INTRODUCTION", "tibo", 9)
    for col in (72, 312):
        yy = y + 40
        while yy < 700:
            yy = d.para(col, yy, 228, SENT) + 4
    return {"abstract": ABSTRACT + " " + SENT}


def _defect_thesis(d: _Pages, plain: bool = False) -> dict:
    """A thesis: title page, a later abstract page, running chapter heads in a large top
    margin, chapter openings with "Chapter N" above the title. ``plain``: everything in the
    body font (some university styles): capitals, centring and numbers mark the headings."""
    if plain:
        return _thesis_plain(d)
    d.centre(200, "Learning Latent Structure", "tibo", 24.9)
    d.centre(240, "from Noisy Observations", "tibo", 24.9)
    d.centre(320, "A thesis submitted for the degree of", "tiro", 12)
    d.centre(338, "Doctor of Philosophy", "tiro", 12)
    d.centre(400, "Alice Martin", "tiro", 14)
    d.new()  # a table of contents naming the abstract, then front matter: the abstract is late
    d.centre(120, "Contents", "tibo", 20)
    d.text(90, 170, "Abstract", "tiro", 12)
    d.text(200, 170, ". . . . . . . . . . . . . . . . . . . . . . . . . . .", "tiro", 12)
    d.text(500, 170, "11", "tiro", 12)
    for what in ("Declaration", "Dedication", "Acknowledgements", "Preface", "Publications",
                 "Notation", "Glossary", "Funding"):
        d.new()
        d.centre(120, what, "tibo", 20)
        d.para(90, 170, 432, SENT, size=12, lead=1.5)
    d.new()
    d.centre(120, "Abstract", "tibo", 20)
    abstract = ABSTRACT + " " + SENT
    d.para(90, 170, 432, abstract, size=12, lead=1.5)
    heads = []
    for n, (chapter, sections) in enumerate([("Introduction", ["Motivation", "Outline",
                                                               "Contributions"]),
                                             ("Background", ["Prior Work", "Notation",
                                                             "Data Sets"])], 1):
        d.new()
        d.text(90, 140, f"Chapter {n}", "tibo", 20.7)
        d.text(90, 180, chapter, "tibo", 24.9)
        heads.append((0, chapter))
        y = d.para(90, 240, 432, SENT * 3, size=12, lead=1.5)
        for k, sec in enumerate(sections, 1):
            if y > 560:
                d.new()
                d.text(90, 108, f"CHAPTER {n}. {chapter.upper()}", "tiit", 12)
                d.text(510, 108, str(d.page.number + 1), "tiro", 12)
                y = 160
            d.text(90, y + 14, f"{n}.{k} {sec}", "tibo", 14.4)
            heads.append((1, sec))
            y = d.para(90, y + 44, 432, SENT * 4, size=12, lead=1.5) + 10
    return {"title": "Learning Latent Structure from Noisy Observations", "abstract": abstract,
            "sections": heads}


def _thesis_plain(d: _Pages) -> dict:
    d.centre(150, "LEARNING LATENT STRUCTURE FROM", "tiro", 12)
    d.centre(170, "NOISY OBSERVATIONS", "tiro", 12)
    d.centre(220, "Alice Martin, B.S., M.S.", "tiro", 12)
    d.centre(300, "Dissertation Prepared for the Degree of", "tiro", 12)
    d.centre(320, "DOCTOR OF PHILOSOPHY", "tiro", 12)
    heads = []
    for n, (chapter, sections) in enumerate([("INTRODUCTION", ["Light and Sound", "Outline"]),
                                             ("REDIRECTION OF SOUND IN A FLUID CHANNEL WITH",
                                              ["Prior Work", "Notation"])], 1):
        d.new()
        d.centre(72, f"CHAPTER {n}", "tiro", 12)
        d.centre(100, chapter, "tiro", 12)
        title = chapter
        if n == 2:
            d.centre(118, "ELASTIC WALLS", "tiro", 12)
            title += " ELASTIC WALLS"
        heads.append((0, title))
        y = 150
        for k, sec in enumerate(sections, 1):
            if y > 520:
                d.new()
                d.text(90, 95, f"CHAPTER {n}. {chapter.split()[0]}", "tiro", 12)
                d.text(510, 95, str(d.page.number + 1), "tiro", 12)
                y = 150
            d.text(72, y + 10, f"{n}.{k}. {sec}", "tiro", 12)
            heads.append((1, sec))
            y = d.para(72, y + 38, 468, SENT * 5, size=12, lead=1.9) + 10
    return {"title": "LEARNING LATENT STRUCTURE FROM NOISY OBSERVATIONS", "sections": heads}


def _defect_plain_subsections(d: _Pages) -> dict:
    """Subsection headings in the body size, not bold, in sentence case (Type 3 fonts hide
    their weight): a multi-level number, another font, space above and below."""
    y = _opening(d, "Headings Without Weight", "1 Background")
    y = d.para(72, y + 30, 468, SENT)
    heads = [(1, "Background")]
    for k, sub in enumerate(("Agent leakage surfaces", "The control-plane privacy paradox"), 1):
        d.text(72, y + 12, f"1.{k} {sub}", "helv", 10)
        heads.append((2, sub))
        y = d.para(72, y + 32, 468, SENT * 2)
    d.text(72, y + 10, "A Proof details", "tibo", 12)  # appendix subsections: "A.1"
    heads.append((1, "Proof details"))
    y = d.para(72, y + 30, 468, SENT)
    d.text(72, y + 12, "A.1 Primitives and canonical binding", "helv", 10)
    heads.append((2, "Primitives and canonical binding"))
    d.para(72, y + 32, 468, SENT)
    return {"sections": heads}


def _defect_double_spaced(d: _Pages, label: bool = True) -> dict:
    """A double-spaced manuscript: a blank line's height between all lines, paragraphs marked
    only by an indent, a word hyphenated at a line end; its abstract labelled or not (acmsmall:
    the first paragraph under the authors)."""
    d.centre(72, "Estimates Set Double Spaced", size=16)
    if label:
        d.centre(100, "Abstract", size=11)
    else:
        d.text(100, 100, "ADA AUTHOR, University of Somewhere", size=9)
    y = d.para(100, 118, 412, ABSTRACT, lead=3.4)  # MuPDF's boxes of these fonts are tall:
    # 34 pt between lines leaves the gap of an embedded font's double spacing (1.7 boxes)
    d.text(72, y + 10, "1 Introduction", "tibo", 12)
    first = ["The advent of sensors everywhere, marked by ever cheaper devices and",
             "better networks, has fundamentally reshaped process monitoring. This trans-",
             "formation enables new methods for detecting faults early."]
    second = ["Methods that learn from data now compete with the classic statistical",
              "charts on the standard benchmarks of the field."]
    y += 40
    for k, line in enumerate(first + second):
        d.text(72 + (15 if k == len(first) else 0), y, line)
        y += 34
    return {"text": "The advent of sensors everywhere, marked by ever cheaper devices and better "
                    "networks, has fundamentally reshaped process monitoring. This transformation "
                    "enables new methods for detecting faults early.\nMethods that learn from data "
                    "now compete with the classic statistical charts on the standard benchmarks "
                    "of the field."}


def _defect_acm_front(d: _Pages) -> dict:
    """acmart front matter after the abstract: "CCS CONCEPTS" with a bold concept line,
    "KEYWORDS", an "ACM Reference Format:" paragraph, then the first section."""
    d.centre(72, "Lightweight Exploration of Website Data", size=16)
    d.text(72, 110, "ABSTRACT", "tibo", 10)
    y = d.para(72, 126, 468, ABSTRACT)
    d.text(72, y + 10, "CCS CONCEPTS", "tibo", 10)
    d.text(72, y + 26, "Human-centered computing; Web-based interaction", "tibo", 9)
    d.text(72, y + 44, "KEYWORDS", "tibo", 10)
    d.text(72, y + 60, "data visualization, end-user web scraping", "tiro", 9)
    x = d.text(72, y + 78, "ACM Reference Format: ", "tibo", 9)
    d.text(x, y + 78, "Ada Lovelace. 2021. Lightweight Exploration of Website Data.", "tiro", 9)
    d.text(72, y + 100, "1 INTRODUCTION", "tibo", 10)
    d.para(72, y + 118, 468, SENT * 2)
    return {"headings": ["INTRODUCTION"],
            "lead": ["CCS CONCEPTS", "KEYWORDS", "ACM Reference Format: Ada Lovelace."]}


def _defect_review_copy_figure_pages(d: _Pages) -> dict:
    """A review copy numbering the two lines of its title on a title page, the lines of its
    three pages of text, then four pages of figures alone (an appendix of plots) that carry
    no line numbers."""
    d.text(72, 72, "Line Numbers Beside the Text", size=16)  # a title page (AGU drafts):
    d.text(40, 81, "1", "helv", 7)  # only the title's two lines numbered, too few for a gutter
    d.text(72, 94, "and Not Beside the Figures", size=16)
    d.text(40, 103, "2", "helv", 7)
    d.text(72, 130, "Ada Author and Bob Author", size=10)
    d.new()
    y, n = 72.0, 2
    text = ABSTRACT + SENT * 8
    for page in range(3):
        if page:
            d.new()
            y = 72.0
        d.text(72, y, f"{page + 1} {('Introduction', 'Method', 'Results')[page]}", "tibo", 12)
        y += 22
        for line in _wrap(text, "tiro", 10, 468):
            n += 1
            d.text(40, y + 2, f"{n:03d}", "helv", 7)
            d.text(72, y, line)
            y += 12.2
    for k in range(4):
        d.new()
        d.page.draw_rect(pymupdf.Rect(150, 100, 460, 400), color=(0, 0, 0))
        d.para(72, 420, 468, f"Figure {k + 1}: Attention maps of layer {k + 1} of the model.",
               size=9)
    return {"title": "Line Numbers Beside the Text and Not Beside the Figures",
            "headings": ["Introduction", "Method", "Results"], "text": text}


def _defect_journal_heads(d: _Pages) -> dict:
    """MNRAS with a long author list: page 1 holds the title and the affiliations; page 2 opens
    with the journal's lines at the top (the one at the right read after the indented
    "ABSTRACT" label), then the abstract and two columns; later pages carry alternating running
    heads (authors on even pages, a short title on odd ones) set larger than the body text."""
    d.text(42, 40, "MNRAS 000, 1-29 (2022)", size=8)
    d.text(42, 70, "Clustering of Red Galaxies in Imaging Surveys", "tibo", 17)
    d.para(42, 100, 520, ", ".join(f"A. Author{k}" for k in range(1, 40)), size=11)
    for k in range(1, 30):
        d.text(42, 180 + 17 * k, f"{k}Department of Physics, University of Somewhere {k}, "
               f"Street {k}, City", size=8)
    d.new()
    d.text(201, 60, "Preprint 25 March 2024", size=8)
    d.text(330, 60, "Compiled using MNRAS LaTeX style file v3.0", size=8)
    d.text(174, 86, "ABSTRACT", "tibo", 9)
    y = d.para(174, 98, 366, ABSTRACT)
    d.text(42, y + 20, "1 INTRODUCTION", "tibo", 9)
    d.para(42, y + 36, 250, SENT * 7, size=9)
    d.para(320, y + 20, 250, SENT * 7, size=9)
    heads = ["INTRODUCTION"]
    for page in range(3, 9):
        d.new()
        head = "A. Author et al." if page % 2 == 0 else "Red Galaxies in Imaging"
        if page % 2 == 0:
            d.text(42, 24, str(page), size=12)
            d.text(66, 24, head, size=12)
        else:
            d.text(542, 24, str(page), size=12)
            d.text(302, 24, head, size=12)
        name = ("Data", "Model", "Fits", "Errors", "Tests", "Outlook")[page - 3]
        d.text(42, 90, f"{page - 1} {name.upper()}", "tibo", 9)
        heads.append(name.upper())
        d.para(42, 106, 520, SENT * 8, size=9)
    return {"abstract": ABSTRACT, "headings": heads,
            "not_in_body": ["A. Author et al", "Red Galaxies in Imaging", "Compiled using"]}


def _defect_subfigure_row(d: _Pages) -> dict:
    """Sub-figures side by side, each labelled in lower case on one baseline ("(a) layer 1"),
    then the figure's caption; a caption whose second line starts with "(i)"."""
    y = _opening(d, "Sub-Figures in a Row", "1 Introduction")
    y = d.para(72, y + 30, 468, SENT * 2) + 16
    subs = ["layer 1", "layer 2", "layer 3"]
    for k, sub in enumerate(subs):
        d.page.draw_rect(pymupdf.Rect(80 + 160 * k, y, 220 + 160 * k, y + 100), color=(0, 0, 0))
        d.text(120 + 160 * k, y + 106, f"({'abc'[k]}) {sub}", size=8)
    cap = "Attention maps of all layers of the model."
    d.text(72, y + 128, "Figure 1: " + cap, size=9)
    y += 156
    d.page.draw_rect(pymupdf.Rect(150, y, 460, y + 80), color=(0, 0, 0))
    d.text(72, y + 90, "Figure 2: Two sentences with the same meaning and different form,", size=9)
    d.text(72, y + 101, "(i) the first and (ii) the second, give the same graph.", size=9)
    d.para(72, y + 130, 468, SENT * 2)
    second = ("Two sentences with the same meaning and different form, "
              "(i) the first and (ii) the second, give the same graph.")
    return {"captions": [*subs, cap, second]}


def _defect_checklist(d: _Pages) -> dict:
    """Numbered list items with a bold lead-in ("2. **Informed debates:** In addition...") and
    a NeurIPS paper checklist whose questions are numbered bold words ("1. **Claims**")."""
    y = _opening(d, "Debates and Their Checklist", "1 Introduction")
    y = d.para(72, y + 30, 468, SENT * 2) + 6
    items = [("Standard self-debates (implied even odds of winning):", " Models debated."),
             ("Informed self-debates (explicit even odds of winning):", " Models were told.")]
    for k, (lead, rest) in enumerate(items, 1):
        x = d.text(86, y, f"{k}. ")
        x = d.text(x, y, lead, "tibo")
        d.text(x, y, rest)
        y += 14
    y = d.para(72, y + 4, 468, SENT) + 20
    d.text(72, y, "NeurIPS Paper Checklist", "tibo", 12)
    y += 24
    for k, question in enumerate(("Claims", "Theory assumptions and proofs"), 1):
        x = d.text(72, y, f"{k}. ")
        d.text(x, y, question, "tibo")
        y = d.para(86, y + 16, 454, "Question: Do the main claims made in the abstract and "
                   "introduction accurately reflect the contributions and scope of the paper?")
        y += 10
    return {"headings": ["Introduction", "NeurIPS Paper Checklist"],
            "body": [f"{k}. {lead}{rest}" for k, (lead, rest) in enumerate(items, 1)]}


def _defect_acm_subsubsections(d: _Pages) -> dict:
    """acmart's subsubsections run into their paragraph in italics ("2.1.1 *Sleep Posture
    Detection.* Dreaming..."), and a number set flush against its heading ("2.2Labels")."""
    y = _opening(d, "Sleep Seen From the Wrist", "2 SYSTEM")
    d.text(72, y + 34, "2.1 Sensing", "tibo", 10)
    y = d.para(72, y + 52, 468, SENT) + 6
    heads = [(1, "SYSTEM"), (2, "Sensing")]
    runs = (("Sleep Posture Detection.",
             "Dreaming and sleep quality are linked to the way the body lies during the night"),
            ("Body Rollover Counting.", "Turning over in bed is linked to the way the body lies"),
            ("Proposal Adaptation via Importance Sampling plus Expectation Maximisation.",
             "Let us focus"))  # mostly italic: the line's slant is no guide
    for k, (sub, text) in enumerate(runs, 1):
        x = d.text(72, y, f"2.1.{k} ")
        x = d.text(x, y, sub, "tiit")
        d.text(x, y, f" {text}")
        y = d.para(72, y + 12.2, 468, SENT) + 6
        heads.append((3, sub.rstrip(".")))
    x = d.text(72, y + 6, "2.2", "tibo", 10)
    d.text(x, y + 6, "Labels", "tibo", 10)
    heads.append((2, "Labels"))
    d.para(72, y + 24, 468, SENT)
    return {"sections": heads}


def _defect_lines_like_headings(d: _Pages) -> dict:
    """Lines that look like headings and are not: a bold acknowledgement whose first line ends
    in a hyphen ("for sug-" + "gestions"), the bold label of a boxed finding ("Result 1"), the
    numbered lines of an algorithm ("6: end if"), and
    numbered references set mostly in italics (one span a word, as TeX sets them, is in
    test_units)."""
    y = _opening(d, "Headings That Are Not", "1 Introduction")
    y = d.para(72, y + 30, 468, SENT * 2) + 10
    d.text(86, y, "Result 1", "tibo")  # a boxed finding, then its statement
    y = d.para(86, y + 14, 440, "Default settings of the model lead to unstable topics.") + 12
    for k, (kw, rest) in enumerate((("repeat", ""), ("if", " the loss grows then"),
                                    ("end if", ""), ("until", " convergence")), 4):
        x = d.text(86, y, f"{k}: ")  # numbered algorithm lines, their keywords in bold
        x = d.text(x, y, kw, "tibo")
        d.text(x, y, rest)
        y += 18
    y += 8
    d.text(72, y, "Acknowledgements", "tibo", 12)
    d.text(72, y + 20, "We thank the referee, Ada Lovelace, for sug-", "tibo")
    d.text(72, y + 32, "gestions that helped improve this paper.")
    y += 60
    d.text(72, y, "References", "tibo", 12)
    y += 20
    refs = [("Z. Manna and A. Pnueli. ", "The temporal logic of reactive and concurrent systems:"),
            ("A. Turing. ", "On computable numbers, with an application to the problem:"),
            ("K. Godel. ", "On formally undecidable propositions of principia mathematica:")]
    for k, (who, what) in enumerate(refs, 1):
        x = d.text(72, y, f"{k}. {who}", size=9)
        d.text(x, y, what, "tiit", 9)
        d.text(86, y + 11, f"Specification. Springer, {1990 + k}.", size=9)
        y += 26
    return {"headings": ["Introduction", "Acknowledgements"], "n_references": len(refs)}


def _defect_springer_captions(d: _Pages) -> dict:
    """Springer Nature captions: a bold label with no colon or period after its number
    ("**Fig. 1** Study methods."), an appendix table ("**Table A1** Codes..."), and a body
    sentence that starts the same way in upright type ("Figure 1 presents...")."""
    y = _opening(d, "Captions Without a Colon", "1 Introduction")
    y = d.para(72, y + 30, 468, SENT * 2) + 12
    d.page.draw_rect(pymupdf.Rect(150, y, 460, y + 120), color=(0, 0, 0))
    x = d.text(72, y + 128, "Fig. 1", "tibo", 9)
    d.text(x, y + 128, " Study methods and the flow of records through them.", size=9)
    body = "Figure 1 presents the flow of records through the study and its three stages."
    y = d.para(72, y + 156, 468, body) + 12
    x = d.text(72, y, "Table A1", "tibo", 9)
    d.text(x, y, " Codes for adults between twelve and sixty-nine years.", size=9)
    y += 14
    for row in (("Code", "Cause", "Share"), ("A01", "Malaria", "0.21"), ("A02", "Sepsis", "0.12")):
        for k, cell in enumerate(row):
            d.text(160 + 100 * k, y + 4, cell, size=9)
        y += 12
    d.para(72, y + 12, 468, SENT)
    return {"captions": ["Study methods and the flow of records through them.",
                         "Codes for adults between twelve and sixty-nine years."], "body": body}


def _defect_ieee_label_lines(d: _Pages) -> dict:
    """IEEE: "Fig. 1" (no period) and "TABLE I" alone on their lines, the caption's text below
    them in small capitals set a little apart."""
    y = _opening(d, "Labels on Lines of Their Own", "1 Introduction")
    y = d.para(72, y + 30, 468, SENT * 2) + 12
    d.page.draw_rect(pymupdf.Rect(150, y, 460, y + 100), color=(0, 0, 0))
    d.centre(y + 106, "Fig. 1", "tiro", 8)
    d.centre(y + 119, "SHIP INPUTS AND ACTIONS.", "tiro", 6.4)
    y = d.para(72, y + 140, 468, SENT) + 12
    d.centre(y, "TABLE I", "tiro", 8)
    d.centre(y + 13, "EXAMPLE OF ENTRIES RANKED IN A SINGLE MAP.", "tiro", 6.4)
    y += 30
    for row in (("Entry", "Rank", "Points"), ("MCTS", "1", "25"), ("Greedy", "2", "18")):
        for k, cell in enumerate(row):
            d.text(180 + 100 * k, y, cell, size=8)
        y += 11
    d.para(72, y + 14, 468, SENT)
    return {"captions": ["SHIP INPUTS AND ACTIONS.", "EXAMPLE OF ENTRIES RANKED IN A SINGLE MAP."]}


def _defect_formula_digits(d: _Pages) -> dict:
    """No line numbers, but a table whose first column counts 1, 2, 3... at the left edge."""
    y = _opening(d, "Ranked Models Without Line Numbers", "1 Results")
    y = d.para(72, y + 30, 468, SENT * 2) + 8
    rows = []
    for k in range(1, 10):
        d.text(90, y, str(k))
        d.text(130, y, f"Model {chr(64 + k)} reaches a score of {90 - k}.5 on the test data")
        rows.append(f"{k} Model {chr(64 + k)}")
        y += 12.2
    d.para(72, y + 8, 468, SENT)
    return {"kept": rows}


def _defect_references(d: _Pages, heading: bool = True, small: bool = False) -> dict:
    """References followed by a page of figures; or a numbered list with no heading; or
    (``small``) an unheaded "[1]" list set small at the foot of the page, like footnotes."""
    y = _opening(d, "Figures After the References", "1 Introduction")
    y = d.para(72, y + 30, 468, SENT * 4) + 10
    if heading:
        d.text(72, y, "References", "tibo", 12)
        y += 20
    refs = [f"{f'[{k}]' if small else f'{k}.'} {a} ({yr}). {t}. Journal of Things, "
            f"{k + 3}:{10 * k + 1}." for k, (a, yr, t) in enumerate(REFS, 1)]
    if small:  # on a later page, under the text, labels set smaller than the entries
        d.new()
        y = d.para(72, 72, 468, SENT * 22) + 20
        for k, ref in enumerate(refs, 1):
            label = f"[{k}]"
            d.text(72, y + 1, label, size=6)
            y = d.para(72 + _width(label, "tiro", 6) + 3, y, 440, ref.split(" ", 1)[1],
                       size=8) + 2
    for ref in refs if not small else []:
        y = d.para(72, y, 468, ref, size=9) + 2
    d.new()
    d.page.draw_rect(pymupdf.Rect(150, 100, 460, 300), color=(0, 0, 0))
    for k, tick in enumerate(("0", "20", "40", "60")):
        d.text(140 + 100 * k, 304, tick, "helv", 7)
    caps = ["Training loss of every model over sixty epochs of training.",
            "Test accuracy of every model over sixty epochs of training."]
    d.para(72, 330, 468, "Figure 5: " + caps[0], size=9)
    d.page.draw_rect(pymupdf.Rect(150, 380, 460, 580), color=(0, 0, 0))
    d.para(72, 600, 468, "Figure 6: " + caps[1], size=9)
    return {"n_references": len(refs), "captions": caps}


def _defect_captions(d: _Pages) -> dict:
    """REVTeX captions ("FIG. 1.") set in the body font right under a figure, and a body
    sentence opening "Figure 8.5 depicts" that is no caption."""
    d.centre(72, "Captions That Look Like Text", size=16)
    y = d.para(100, 110, 412, ABSTRACT)
    d.text(250, y + 10, "I. INTRODUCTION", "tiro", 10)
    y = d.para(72, y + 30, 468, SENT * 2) + 4
    d.page.draw_rect(pymupdf.Rect(200, y, 400, y + 90), color=(0, 0, 0))
    y += 96
    cap = "Scaling of the error with the number of samples; the dashed line is the theory."
    y = d.para(72, y, 468, "FIG. 1. " + cap) + 12
    body = "Figure 8.5 depicts the same scaling for the larger data set, where the error " \
           "falls faster than the theory predicts."
    y = d.para(72, y, 468, body)
    d.para(72, y, 468, SENT)
    return {"captions": [cap], "body": body}


DEFECTS = {
    "wrapfigure": _defect_wrapfigure,
    "column_float": _defect_column_float,
    "title_sizes_subtitle": _defect_title,
    "title_caps_hyphen": lambda d: _defect_title(d, caps=True),
    "title_in_running_heads": _defect_title_in_running_heads,
    "authors_marks": _defect_authors,
    "authors_blocks": lambda d: _defect_authors(d, blocks=True),
    "abstract_two_paragraphs_two_columns": _defect_abstract,
    "abstract_revtex_split_line": _defect_revtex_abstract,
    "thesis": _defect_thesis,
    "thesis_body_font": lambda d: _defect_thesis(d, plain=True),
    "table_counting_column": _defect_formula_digits,
    "subsections_without_weight": _defect_plain_subsections,
    "double_spaced": _defect_double_spaced,
    "double_spaced_unlabelled": lambda d: _defect_double_spaced(d, label=False),
    "acm_front_blocks": _defect_acm_front,
    "review_copy_figure_pages": _defect_review_copy_figure_pages,
    "journal_heads": _defect_journal_heads,
    "subfigure_row": _defect_subfigure_row,
    "checklist": _defect_checklist,
    "acm_subsubsections": _defect_acm_subsubsections,
    "lines_like_headings": _defect_lines_like_headings,
    "springer_captions": _defect_springer_captions,
    "ieee_label_lines": _defect_ieee_label_lines,
    "references_then_figures": _defect_references,
    "references_no_heading": lambda d: _defect_references(d, heading=False),
    "references_small_no_heading": lambda d: _defect_references(d, heading=False, small=True),
    "captions_revtex_and_body": _defect_captions,
}


def write_defect(path: str | Path, name: str) -> dict:
    """Draw the paper for defect class ``name`` (a key of :data:`DEFECTS`); return what the
    parser must find in it."""
    d = _Pages()
    expect = DEFECTS[name](d)
    d.save(path)
    return expect
