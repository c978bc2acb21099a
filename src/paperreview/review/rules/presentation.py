"""Presentation rules: figure/table references, undefined acronyms."""

from __future__ import annotations

import functools
import re
from collections import Counter

from ...records import Finding, Paper
from ..text import evidence, units
from . import cached_sentences as sentences
from . import finding, rule

# "Figure 2", "fig. 2a", "Tables 1 and 3", "Figs. 2-4", "Table A.1", "Table IV", "Figure 4.1"
_FIRST = r"(?:[A-Z]\.?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)*[a-zA-Z]?|[IVX]{1,5})(?![\w])"
_NEXT = r"(?:\d+(?:\.\d+)*[a-zA-Z]?|[IVX]{1,5})(?![\w])"  # in a list: no "T3" from "Figure 1, T3"
_SEP = r"\s*(?:,\s*and|,|and|&|-|–|—|to)\s*"
# also glued to the word before, as some PDFs print it ("inTable10.2"): then capitalised
_MENTION = re.compile(r"(?:\b(?i:(fig(?:ure)?s?\.?|tab(?:le)?s?\.?))|(?<=[a-z])(Fig(?:ure)?s?\.?"
                      r"|Tab(?:le)?s?\.?))\s*(" + _FIRST + r"(?:" + _SEP + _NEXT + r")*)")
_ONE_LABEL = re.compile(r"[A-Z]\.?\d+(?:\.\d+)*[a-z]?|\d+(?:\.\d+)*[a-zA-Z]?|[IVX]{1,5}")
# "Table 3 of (Smith et al., 2018)", "[12], Table 1": another paper's table, not this one's
_CITED_AFTER = re.compile(r"\s*(?:of|in|from)\s+(?:\(|\[|[A-Z][\w'-]+(?:\s+et al|\s+and\s|,)"
                          r"|the (?:original|cited)|their|ref)")
_CITED_BEFORE = re.compile(r"(?:\d{4}[a-z]?\)?|et al\.?|\])\s*[,;]?\s*(?:see\s+)?$"
                           r"|(?i:supp(?:lementary|l?\.)?|extended data|online)\s*$")


def norm_label(label: str) -> str:
    """'2a'/'2A' -> '2', 'A.1' -> 'A1', ' 3 ' -> '3', 'IV' -> 'IV' (sub-figures are their figure)."""
    label = re.sub(r"(?<=[A-Z])\.(?=\d)", "", label.strip())
    return re.sub(r"(?<=\d)[a-zA-Z]$", "", label)


def _expand(labels: str) -> list[str]:
    out = [norm_label(x) for x in _ONE_LABEL.findall(labels)]
    # "2-4" / "2 to 4" means 2, 3, 4
    for m in re.finditer(r"(?<![.\d])(\d+)\s*(?:-|–|—|to)\s*(\d+)(?![.\d])", labels):
        lo, hi = int(m.group(1)), int(m.group(2))
        if 0 < hi - lo < 20:
            out += [str(i) for i in range(lo + 1, hi)]
    return out


def mentions(text: str) -> list[tuple[str, str]]:
    """(kind, label) pairs for every reference to one of this paper's figures/tables."""
    found = []
    for m in _MENTION.finditer(text):
        word, labels = m.group(1) or m.group(2), m.group(3)
        before = text[max(0, m.start() - 16): m.start()]
        if _CITED_AFTER.match(text, m.end()) or _CITED_BEFORE.search(before):
            continue
        if word[0].islower() and not labels[0].isdigit():
            continue  # "this table I believe": only "Table IV" / "Table A.1" are labels
        line_start = text.rfind("\n", 0, m.start()) + 1
        if re.match(r"\s*:", text[m.end():]) and not text[line_start:m.start()].strip():
            continue  # "Figure 2: ..." opening a line is a caption's label, not a mention
        kind = "figure" if word.lower().startswith("fig") else "table"
        found += [(kind, lab) for lab in _expand(labels)]
    return found


# a body line that starts with "Figure 8.5 depicts ..." is a sentence, not a caption: its text
# starts with a verb or a lower-case word where a caption starts with a noun phrase
_SENTENCE_START = re.compile(
    r"^(?:depicts|shows|illustrates|presents|compares|gives|plots|summari[sz]es|lists|reports"
    r"|displays|demonstrates|contains|provides|describes|highlights|is|are|was|were|has|also"
    r"|and|in|on|we|above|below)\b")


def real_captions(paper: Paper) -> list:
    """Captions that are captions (not body sentences the parser took for captions)."""
    return [c for c in paper.captions if not _SENTENCE_START.match(c.text.strip())]


def body_text(paper: Paper) -> str:
    """Abstract and sections, with any caption text that leaked into a section cut out, and
    the body sentences the parser took for captions put back as mentions."""
    text = "\n".join(u.text for u in units(paper))
    for c in real_captions(paper):
        if len(c.text) > 20:
            text = text.replace(c.text, " ")
    fake = [c for c in paper.captions if c not in real_captions(paper)]
    return text + "".join(f"\n{c.kind.capitalize()} {c.label} {c.text}" for c in fake)


@rule("figure-table-references", aspect="presentation")
def figure_table_references(paper: Paper) -> list[Finding]:
    """Figures/tables never referenced in the text, or referenced but absent."""
    body = body_text(paper)
    if not body.strip():
        return []
    captions = real_captions(paper)
    cited = set(mentions(body)) | set(mentions("\n".join(c.text for c in captions)))
    floats = [c for c in captions if c.kind in ("figure", "table") and numbered(c.label)]
    have = {(c.kind, norm_label(c.label)) for c in floats}
    out = []
    reported = set()
    for c in floats:
        key = (c.kind, norm_label(c.label))
        if key not in cited and key not in reported:
            reported.add(key)  # a caption the parser saw twice is one float
            name = f"{c.kind.capitalize()} {c.label}"
            out.append(finding("figure-table-references", "presentation", "minor",
                               f"{name} is never referenced in the text; refer to it where it is "
                               "discussed or drop it.",
                               evidence(next(u for u in units(paper, captions=True)
                                             if u.kind == "caption" and u.text == c.text), c.text)))
    if paper.captions:  # no captions at all more likely means the parser found none
        all_units = list(units(paper, captions=True))
        for kind, label in sorted(cited - have):
            if not _same_scheme(label, [lab for k, lab in have if k == kind]):
                continue
            name = f"{kind.capitalize()} {label}"
            hit = next(((u, sent) for u in all_units for sent in sentences(u.text)
                        if (kind, label) in mentions(sent)), None)
            out.append(finding("figure-table-references", "presentation", "major",
                               f"The text refers to {name}, but the paper has no {name}.",
                               evidence(*hit) if hit else evidence(None)))
    return out


def numbered(label: str | None) -> bool:
    """Whether a caption label numbers a float ("3", "A.1", "IV"); sub-figure captions "(a)" are
    parts of a numbered figure, not floats the text must cite one by one."""
    return bool(label) and _ONE_LABEL.fullmatch(label.strip()) is not None


def _same_scheme(label: str, labels: list[str]) -> bool:
    """Whether ``label`` is numbered like the paper's own floats: "Figure 112" in a paper with
    eight figures is a footnote mark glued to "Figure 1", "Table 3.2" in a paper numbering
    tables 1, 2, 3 is another book's table, and "table I" in a paper with Arabic numbers is a
    word ("this table I believe...")."""
    if not labels:
        return True
    if bool(_ROMAN.match(label)) != any(_ROMAN.match(x) for x in labels):
        return False
    if ("." in label) != any("." in x for x in labels):
        return False
    nums = [int(x) for x in labels if x.isdigit()]
    return not (label.isdigit() and nums and int(label) > max(nums) + 3)


# not glued to a hyphen ("LEG- WORK" is a name broken at a line end) or to math ("GBP −GRP")
# nor followed by a number: "HIP 22958", "PAY 0", "WMT 2014" are identifiers, not acronyms
_ACRONYM = re.compile(r"(?<![\w\-−=+/])(?<!- )([A-Z]{3,6})(s?)(?![\w\-−=+/])(?! [−=+])"
                      r"(?!\s?\d)")
WELL_KNOWN = {
    "AAAI", "ACL", "ACM", "AMD", "API", "ARM", "ASCII", "ASIC", "AUC", "AWS", "BERT", "BLEU",
    "BPE", "CEO", "CIFAR", "CNN", "CNRS", "COCO", "COVID", "CPU", "CSV", "CUDA", "CVPR", "DNA",
    "DNS", "DOE", "DQN", "DRAM", "ECCV", "EMNLP", "EPFL", "ERC", "ESA", "ETH", "FAQ", "FPGA",
    "GAN", "GLUE", "GMT", "GPT", "GPU", "GRU", "HDD", "HTML", "HTTP", "HTTPS", "ICCV", "ICLR",
    "ICML", "IEEE", "IID", "III", "IJCAI", "IMDB", "ISO", "JSON", "KITTI", "LAN", "LLM",
    "LLMs", "LSTM", "LoRA", "MAE", "MIT", "MLP", "MMLU", "MNIST", "MRI", "MSE", "MTU", "NAACL",
    "NASA", "NIC", "NIH", "NLI", "NLP", "NSF", "OCR", "OSI", "PCA", "PDF", "PPO", "PhD", "RAM",
    "RGB", "RMSE", "RNA", "RNN", "ROC", "ROUGE", "SDSS", "SGD", "SHA", "SIMD", "SQL", "SSD",
    "SSH", "SSL", "SVHN", "SVM", "TCP", "TLS", "TPU", "UCLA", "UDP", "URL", "USA", "USD",
    "UTC", "UTF", "VAE", "VII", "VIII", "VPN", "WAN", "XII", "XML",
    # field-standard names and abbreviations that papers in their field never spell out
    "WMT", "RLC", "TTL", "FGK", "FGKM", "TESS", "ESO", "HST", "JWST", "LIGO", "LISA",
}
_ROMAN = re.compile(r"^[IVXLC]+$")
_MATH = set("=−+×∈≤≥^_|∑∫·∂∇<>/")
_MATH_RE = re.compile("[" + re.escape("".join(sorted(_MATH))) + "]")
_NOT_PROSE_HEADING = re.compile(r"acknowledg|funding|author|affiliation", re.IGNORECASE)
_CITED = r"\s*(?:\[\d|\((?:[A-Z][\w-]+(?: et al\.?| and [A-Z][\w-]+)?,? \d{4}))"


def prose_sentences(paper: Paper) -> list[str]:
    """Sentences that read as prose: figure labels, tables and formulas that leak into the text
    are not places where an acronym must be defined."""
    out = []
    for u in units(paper, captions=True):
        if _NOT_PROSE_HEADING.search(u.section):
            continue
        for sent in sentences(u.text):
            n = sent.count(" ") + 1  # sentences are whitespace-normalised: words = spaces + 1
            if n >= 6 and len(_LOWER_WORD.findall(sent)) >= n / 2 and (
                    len(_MATH_RE.findall(sent)) < 2):
                out.append(sent)
    return out


_LOWER_WORD = re.compile(r"(?:^|(?<= ))[a-zß-öø-ÿα-ω]")  # a word starting with a lower-case letter


def _defined(acr: str, text: str) -> bool:
    """"long form (ACR)", "ACR (long form)", "(hereafter the ACR method)", "ACR: ...", "the
    ACR spectrograph (Smith et al. 2013)" (a cited name), or the long form's initials."""
    a = re.escape(acr)
    pat = _definition_pattern(acr)
    # every definition form holds the acronym: look only around its occurrences (fast on long
    # theses); "\x00" keeps "^" from matching at a window start that is not the text's start
    for m in re.finditer(rf"\b{a}", text):
        start = max(0, m.start() - 64)
        window = ("" if start == 0 else "\x00") + text[start:m.end() + 96]
        if pat.search(window):
            return True
    return spelled_out(acr, text)


@functools.lru_cache(maxsize=1024)  # the same acronyms come back paper after paper
def _definition_pattern(acr: str) -> re.Pattern[str]:
    a = re.escape(acr)
    return re.compile(
        rf"\(\s*{a}s?\s*[),;]|\b{a}s?\s*\(\s*[a-z]|\b{a}s?,? (?:stands for|short for|i\.e\.)"
        rf"|\b{a}s?\s*[:=]\s*[a-z]|\b{a}s?(?:\s+[a-z][\w-]*){{0,2}}{_CITED}"
        rf"|\((?:hereafter|henceforth|from now on|called|denoted)\b[^()]{{0,40}}\b{a}\b"
        rf"|(?:^|\n|[.!?]\s+)(?:The\s+)?{a}\s+(?:is|are)\s+an?\s")  # "NAPI is a mechanism"


_WORD = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Za-z][a-z'’]*")
_STOP = {"of", "and", "the", "for", "in", "on", "to", "a", "an", "with", "by", "via", "at"}


def _initials(words: list[str], j: int, acr: str, k: int = 0) -> int | None:
    """End index of a run from ``words[j]`` whose initials spell ``acr[k:]`` (a stop word is
    a letter or skipped: "Department of Energy" is DOE, "Bank of England" BE), or None."""
    if k == len(acr):
        return j
    if j == len(words) or words[j] == acr:
        return None
    w = words[j]
    if w[0].lower() == acr[k].lower() and not (k == 0 and w.lower() in _STOP):
        end = _initials(words, j + 1, acr, k + 1)
        if end is not None:
            return end
    return _initials(words, j + 1, acr, k) if k and w.lower() in _STOP else None


@functools.lru_cache(maxsize=2)  # one paper's text, asked about each of its acronyms
def _tokens(text: str) -> tuple[list[str], list[int], dict[str, list[int]]]:
    """Words, their end offsets, and the word indices by lower-case initial."""
    found = [(m.group(0), m.end()) for m in _WORD.finditer(text)]
    starts: dict[str, list[int]] = {}
    for i, (w, _) in enumerate(found):
        starts.setdefault(w[0].lower(), []).append(i)
    return [w for w, _ in found], [e for _, e in found], starts


def spelled_out(acr: str, text: str) -> bool:
    """Whether consecutive words have the acronym's letters as initials: "Berkeley Packet
    Filter" / "Receive-Side Scaling" anywhere (capitalised), or "direct serialization graph,
    DSG" right before a use (any case)."""
    words, ends, starts = _tokens(text)
    for i in starts.get(acr[0].lower(), ()):
        end = _initials(words, i, acr)
        if end is None:
            continue
        if all(x[0].isupper() for x in words[i:end] if x.lower() not in _STOP):
            return True
        if re.match(rf"[^.;]{{0,60}}?\b{re.escape(acr)}\b", text[ends[end - 1]:ends[end - 1] + 80]):
            return True
    return False


@rule("undefined-acronyms", aspect="presentation")
def undefined_acronyms(paper: Paper, limit: int = 5) -> list[Finding]:
    """Acronyms used at least 3 times in prose but never spelled out (nor cited as a name)."""
    prose = prose_sentences(paper)
    text = "\n".join([paper.title] + [u.text for u in units(paper, captions=True)])
    refs = "\n".join(paper.references)
    headings = "\n".join(s.heading for s in paper.sections)
    text += "\n" + headings
    counts = Counter(m.group(1) for m in _ACRONYM.finditer("\n".join(prose)))
    out = []
    for acr, n in counts.most_common():
        if (n < 3 or acr in WELL_KNOWN or _ROMAN.match(acr) or acr in refs or acr in headings
                or _defined(acr, text) or _inside_defined(acr, text)):
            continue
        hit = next((s for s in prose if re.search(rf"\b{acr}s?\b", s)), None)
        unit = next((u for u in units(paper, captions=True) if hit and hit in " ".join(
            u.text.split())), None)
        out.append(finding("undefined-acronyms", "presentation", "minor",
                           f"The acronym {acr} is used {n} times but never defined; spell it out "
                           "at first use.", evidence(unit, hit) if unit else evidence(None)))
        if len(out) == limit:
            break
    return out


def _inside_defined(acr: str, text: str) -> bool:
    """MHD is defined by "general relativistic magnetohydrodynamic (GRMHD)": an acronym inside
    a longer one that is defined needs no definition of its own."""
    longer = set()
    for m in re.finditer(re.escape(acr), text):  # grow each occurrence to its capitals word
        s, e = m.start(), m.end()
        while s and "A" <= text[s - 1] <= "Z":
            s -= 1
        while e < len(text) and "A" <= text[e] <= "Z":
            e += 1
        if (s == 0 or not _WORDCHAR.match(text[s - 1])) and (
                e == len(text) or not _WORDCHAR.match(text[e])):
            longer.add(text[s:e])
    return any(x != acr and _defined(x, text) for x in longer)


_WORDCHAR = re.compile(r"\w")
