"""LaTeX source input: .tex file, source folder, arXiv tarball -> the same Paper record."""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from paperreview.errors import InputError
from paperreview.parse import load_paper
from paperreview.parse.latex import parse_latex
from paperreview.parse.latex.macros import collect, expand

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(__import__("os").environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data"

MAIN = r"""\documentclass{article}
\newcommand{\method}{DeNoise}
\newcommand{\vect}[1]{\mathbf{#1}}
\def\R{\mathbb{R}}
\title{Robust \method: Estimation\thanks{Funded.} \\ of Latent Structure}
\author{Alice Martin \\ University of Somewhere \\ \texttt{alice@some.edu} \and
        Bob Chen \\ Institute of Things}
\begin{document}
\maketitle
\begin{abstract}
We study \method{} with $\vect{x} \in \R^n$. % a comment
Second paragraph of the abstract.
\end{abstract}
\section{Introduction}\label{sec:intro}
Prior work \cite{smith01,jones05} fails; see Figure~\ref{fig:plot}.
\input{method}
\begin{figure}[t]
\caption{Results of \method{} on data.}\label{fig:plot}
\end{figure}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""
METHOD = r"""\section{Method}
\subsection*{Model}
The loss is \begin{equation} L(\vect{w}) = \sum_i \ell_i \end{equation} as in Section~\ref{sec:intro}.
\begin{table}\caption{Errors.}\end{table}
"""
BIB = r"""@article{smith01, author={Smith, J.}, title={On estimation}, journal={J. Things}, year={2001}}
@inproceedings{jones05, author={Jones, K. and Lee, H.}, title={Latent models}, booktitle={Proc.}, year=2005}
@article{unused, author={Nobody}, title={Never cited}, year={1999}}
"""


def _write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "paper.tex").write_text(MAIN)
    (folder / "method.tex").write_text(METHOD)
    (folder / "refs.bib").write_text(BIB)
    return folder / "paper.tex"


def _check(paper) -> None:
    assert paper.title == "Robust DeNoise: Estimation of Latent Structure"
    assert paper.authors == ["Alice Martin", "Bob Chen"]
    alice, bob = paper.author_details
    assert alice.affiliations == ["University of Somewhere"] and alice.emails == ["alice@some.edu"]
    assert bob.affiliations == ["Institute of Things"] and bob.emails == []
    assert "DeNoise" in paper.abstract and r"\mathbf{x} \in \mathbb{R}^n" in paper.abstract
    assert "Second paragraph" in paper.abstract and "comment" not in paper.abstract
    assert [(s.level, s.heading) for s in paper.sections] == [
        (1, "Introduction"), (1, "Method"), (2, "Model")]
    intro, method = paper.sections[0].text, paper.sections[1].text
    assert "Prior work [1, 2] fails; see Figure 1." in intro
    assert r"\mathbf{w}" in paper.sections[2].text and "Section 1." in paper.sections[2].text
    assert [(c.kind, c.label, c.text) for c in paper.captions] == [  # source order
        ("table", "1", "Errors."), ("figure", "1", "Results of DeNoise on data.")]
    assert len(paper.references) == 2 and paper.references[0].startswith("[1] Smith, J.")
    assert "Results of" not in method + intro  # captions are not body text


def test_tex_file_folder_and_tarball(tmp_path):
    main = _write(tmp_path / "src")
    _check(parse_latex(main))
    _check(load_paper(tmp_path / "src"))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for f in (tmp_path / "src").iterdir():
            tar.add(f, arcname=f.name)
    tgz = tmp_path / "2401.00001.tar.gz"
    tgz.write_bytes(buf.getvalue())
    _check(load_paper(tgz))


def test_bbl_is_preferred_and_nested_macros_expand(tmp_path):
    main = _write(tmp_path)
    (tmp_path / "paper.bbl").write_text(
        "\\begin{thebibliography}{2}\n\\bibitem{jones05} K.~Jones. \\newblock Latent.\n"
        "\\bibitem{smith01} J.~Smith. \\newblock On estimation.\n\\end{thebibliography}\n")
    paper = parse_latex(main)
    assert paper.references == ["[1] K. Jones. Latent.", "[2] J. Smith. On estimation."]
    assert "Prior work [2, 1] fails" in paper.sections[0].text
    defs, body = collect(r"\newcommand{\a}[2][x]{#1-#2}\newcommand{\b}{\a{y}}\b and \a[z]{w}")
    assert expand(body, defs) == "x-y and z-w"


def test_bad_latex_input_is_an_input_error(tmp_path):
    (tmp_path / "notes.tex").write_text("just text, no document")
    with pytest.raises(InputError, match="begin"):
        load_paper(tmp_path / "notes.tex")
    (tmp_path / "x.tgz").write_bytes(b"not an archive")
    with pytest.raises(InputError, match="not a LaTeX source archive"):
        load_paper(tmp_path / "x.tgz")


def test_cli_parses_tex(tmp_path):
    from paperreview.cli import main as cli

    main = _write(tmp_path / "src")
    with pytest.raises(SystemExit) as ex:
        cli(["parse", str(main), "-o", str(tmp_path / "out"), "--workers", "0"])
        raise SystemExit(0)
    assert ex.value.code == 0
    paper = json.loads((tmp_path / "out" / "paper.json").read_text())
    assert paper["title"].startswith("Robust DeNoise")


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]{2,}", text.lower())


def _f1(a: list[str], b: list[str]) -> float:
    from collections import Counter

    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / max(len(a) + len(b), 1)


LATEX = SHARED / "papers-latex"


@pytest.mark.skipif(not LATEX.is_dir(), reason=f"shared LaTeX sources not found at {LATEX}")
@pytest.mark.parametrize("slug", ["carbon-pseudopotentials-aip", "aatif-arabic-llm-safety-review"])
def test_tex_matches_its_pdf(slug):
    """Same title, headings and captions as the PDF of the same paper (and as the truth made
    from this source); the abstract the same words up to math notation."""
    from paperreview.parse import parse_pdf

    tex = load_paper(LATEX / slug)
    pdf = parse_pdf(SHARED / "papers" / f"{slug}.pdf")
    truth = json.loads((SHARED / "papers" / f"{slug}.truth.json").read_text())
    assert _norm(tex.title) == _norm(pdf.title) == _norm(truth["title"])
    tex_heads = [_norm(s.heading) for s in tex.sections if s.heading]
    pdf_heads = [_norm(s.heading) for s in pdf.sections if s.heading]
    common = [h for h in tex_heads if h in pdf_heads]
    assert len(common) >= 0.85 * max(len(tex_heads), len(pdf_heads))
    assert len(tex.captions) == len(truth["captions"])
    pdf_caps = [_words(c.text) for c in pdf.captions]
    same = [any(_f1(_words(c.text), p) >= 0.6 for p in pdf_caps) for c in tex.captions]
    assert sum(same) >= 0.9 * len(tex.captions)
    tex_words = set(re.findall(r"[a-z]{4,}", tex.abstract.lower()))
    truth_words = set(re.findall(r"[a-z]{4,}", truth["abstract"].lower()))
    assert len(tex_words & truth_words) >= 0.9 * len(truth_words)
    assert len(tex.references) == truth["n_references"]


def test_title_notes_with_nested_and_escaped_braces_are_dropped(tmp_path):
    """IEEE titles carry \\thanks notes with e-mail braces and \\mbox groups in them; imsart
    titles a \\thanksref mark."""
    tex = tmp_path / "paper.tex"
    tex.write_text(r"""\documentclass{IEEEtran}
\title{The 2013 Travelling Salesman Competition\thanksref{T1} \thanks{A. B. is with the University
(email: \{\mbox{a.b}, \mbox{c.d}\}@york.ac.uk).} \thanks{Supported by grant EP/1.}}
\begin{document}
\maketitle
\begin{abstract}We report the results.\end{abstract}
\section{Introduction}
Text.
\end{document}
""", encoding="utf-8")
    assert parse_latex(tex).title == "The 2013 Travelling Salesman Competition"


def test_a_dangling_bib_link_is_skipped(tmp_path):
    """Repositories link their .bib from elsewhere; a checkout without the target must parse."""
    (tmp_path / "master.bib").symlink_to(tmp_path / "missing" / "library.bib")
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\\title{Clusters at Low Redshift}\\begin{document}"
                   "\\maketitle\\begin{abstract}We simulate.\\end{abstract}\\section{Data}"
                   "As shown by \\citet{smith}.\\bibliography{master}\\end{document}",
                   encoding="utf-8")
    paper = parse_latex(tex)
    assert paper.title == "Clusters at Low Redshift" and paper.references == []


def test_references_in_headings_are_resolved(tmp_path):
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\\title{Controlled States}\\begin{document}\\maketitle"
                   "\\begin{abstract}We study states.\\end{abstract}\\section{Intro}\\label{s:i}"
                   "Text.\\section{Method}\\label{s:m}Text.\\appendix"
                   "\\section{Proofs for Section~\\ref{s:m}}Text.\\end{document}", encoding="utf-8")
    assert [s.heading for s in parse_latex(tex).sections if s.heading] == [
        "Intro", "Method", "Proofs for Section 2"]


def test_plain_text_drops_citations_and_renders_math(tmp_path):
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\\title{Bounds in $\\ell_\\infty$}\\begin{document}"
                   "\\maketitle\\begin{abstract}As in \\cite{a}, errors fall as $n^{-1}$ "
                   "(Section~\\ref{s:r}).\\end{abstract}\\section{Results}\\label{s:r}Text."
                   "\\begin{thebibliography}{1}\\bibitem{a} A. Author. Bounds. 2001."
                   "\\end{thebibliography}\\end{document}", encoding="utf-8")
    kept = parse_latex(tex)
    assert kept.abstract == "As in [1], errors fall as $n^{-1}$ (Section 1)."
    plain = parse_latex(tex, plain=True)
    assert plain.title == "Bounds in ℓ_∞"
    assert plain.abstract == "As in , errors fall as n^-1 (Section ).", plain.abstract


def test_macros_from_a_local_package_and_text_macros_pylatexenc_drops(tmp_path):
    """Papers keep macros in a .sty beside them; \\texttt and \\mbox keep their text; \\xspace
    leaves a space before a word; \\sysmltitle and elsarticle's \\tnoteref are read."""
    (tmp_path / "macros.sty").write_text(
        "\\ProvidesPackage{macros}\n\\def\\@internal{x}\n"
        "\\newcommand{\\OCaml}{%\n  \\textsc{OCaml}\\xspace%\n}\n"
        "\\newcommand{\\ours}{\\texttt{Hexa}-SSD}\n", encoding="utf-8")
    (tmp_path / "venue.sty").write_text("\\ProvidesPackage{venue}\n"
                                        "\\newcommand{\\sysmltitle}[1]{\\gdef\\@title{#1}}\n",
                                        encoding="utf-8")
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\\usepackage{macros,venue}"
                   "\\sysmltitle{Tail Calls in \\OCaml and Beyond\\tnoteref{t1}}"
                   "\\begin{document}\\maketitle\\begin{abstract}We present \\ours, a scheme "
                   "for \\OCaml. It uses \\mbox{two caches}.\\end{abstract}"
                   "\\section{Intro}Text.\\end{document}", encoding="utf-8")
    paper = parse_latex(tex)
    assert paper.title == "Tail Calls in OCaml and Beyond"
    assert paper.abstract == "We present Hexa-SSD, a scheme for OCaml. It uses two caches."
