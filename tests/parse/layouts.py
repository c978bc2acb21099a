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
