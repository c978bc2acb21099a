"""Anonymity rules for double-blind submissions (venue profiles with ``double_blind: true``,
not with ``--camera-ready``): what gives the authors away.

- ``anon-authors``: names, affiliations or e-mails in the author block under the title (read
  from the PDF's first page, and from ``Paper.authors``/``author_details`` when parse found some)
- ``anon-metadata``: the PDF's ``/Author``, or ``/Creator``/``/Producer`` holding a home-directory
  path with a user name
- ``anon-acknowledgments``: an Acknowledgments/Funding section or a grant statement
- ``anon-self-citation``: "in our previous work [2]", "we previously showed (Smith, 2020)"
- ``anon-url``: a link to the authors' own repository or page (a personal GitHub, a lab page);
  anonymised hosts (anonymous.4open.science, ...) are fine
"""

from __future__ import annotations

import re

from ...records import Evidence, Finding, Paper
from ..text import evidence, find_sentence, quote, units
from . import cached_sentences as sentences
from . import finding, rule
from .context import CheckContext

PLACEHOLDER = re.compile(
    r"anonym|\banon\b|\banon[.@_]|author\s*\(?s\)?|affiliation|\baddress\b|^\s*e-?mail\s*$|submission|paper id|"
    r"under (?:double-blind )?review|withheld|blind|^\s*\d+\s*$|institution|^\s*names?\s*$",
    re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\{[\w.,\s-]+\}@[\w-]+(?:\.[\w-]+)+")
AFFILIATION = re.compile(
    r"\buniversit|\binstitut|\bdepartment\b|\bdept\.|\blaborator|\bschool of\b|\bcollege\b"
    r"|\bcent(?:er|re) for\b|\bfaculty of\b|\binc\.|\bcorporation\b|\bgoogle\b|\bmicrosoft\b"
    r"|\bdeepmind\b|\bmeta ai\b|\bopenai\b|\bnvidia\b|\bresearch (?:lab|center|centre)\b"
    r"|\bacademy of\b|\bETH\b|\bMIT\b|\bCNRS\b|\bINRIA\b|\bMax Planck\b", re.IGNORECASE)
_NAME_TOKEN = r"(?:[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ'’]+)?|[A-Z]\.(?:-?[A-Z]\.)?)"
# "Jane Smith", "J. Smith", "Jean-Luc Picard", "Ana M. de la Cruz" (lower-case particles)
NAME = re.compile(rf"^{_NAME_TOKEN}(?:\s+(?:(?:de|van|von|der|da|di|le|la|del|bin)\s+)*"
                  rf"{_NAME_TOKEN}){{1,3}}$")
_NOT_NAME_WORDS = re.compile(
    r"\b(?:learning|networks?|models?|neural|deep|graphs?|language|data|analysis|abstract|"
    r"introduction|conference|workshop|proceedings|paper|review|track|preprint|draft|version|"
    r"university|institute|department|the|for|of|with|via|and|on|in|towards?|using|large|"
    r"method|approach|system|study|survey|contents|figure|table)\b", re.IGNORECASE)


def _names(line: str) -> list[str]:
    """Person names on an author line: "Jane Smith1*, Bob Lee2 and Ann Wu" -> three names."""
    line = re.sub(r"[\d*†‡§¶♠♣♥♦,]+(?=\s|$|,)", ",", line)  # affiliation marks
    parts = [p.strip(" ,;") for p in re.split(r",|;|\band\b|&|·|\s{3,}", line)]
    parts = [p for p in parts if p]
    if not parts or any(not NAME.match(p) or _NOT_NAME_WORDS.search(p) for p in parts):
        return []
    return parts


def author_block_findings(front: list[str], paper: Paper) -> list[tuple[str, str]]:
    """(what, quoted line) for each identifying line under the title."""
    hits: list[tuple[str, str]] = []
    for line in front:
        text = line.strip()
        if not text or PLACEHOLDER.search(text):
            continue
        if EMAIL.search(text):
            hits.append(("an e-mail address", text))
        elif AFFILIATION.search(text) and len(text.split()) <= 14:
            hits.append(("an affiliation", text))
        elif _names(text):
            hits.append(("author names", text))
    if not hits:
        named = [a.name for a in paper.author_details] or list(paper.authors)
        real = [n for n in named if n.strip() and not PLACEHOLDER.search(n) and _names(n)]
        if real:
            hits.append(("author names", ", ".join(real[:6])))
    return hits


@rule("anon-authors", aspect="anonymity", context=True, scope="anonymity")
def anon_authors(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """Author names, affiliations or e-mails under the title of a double-blind submission."""
    facts = ctx.facts
    front = facts.front if facts else []
    hits = author_block_findings(front, paper)
    if facts:  # an e-mail anywhere on page 1 (a footnote "Correspondence to: ...")
        for text, _ in facts.first_page:
            if EMAIL.search(text) and not PLACEHOLDER.search(text) and text not in front:
                hits.append(("an e-mail address", text.strip()))
                break
    if not hits:
        return []
    kinds = sorted({k for k, _ in hits})
    return [finding("anon-authors", "anonymity", "critical",
                    f"The first page shows {' and '.join(kinds)} ({ctx.venue.name} reviewing is "
                    "double-blind): replace the author block with the venue's anonymous one.",
                    Evidence(page=1, section="Title block", quote=quote(hits[0][1])))]


_HOME = re.compile(r"(?:/home/|/Users/|[A-Za-z]:\\+Users\\+|/u/)([A-Za-z][\w.-]+)")


@rule("anon-metadata", aspect="anonymity", context=True, scope="anonymity")
def anon_metadata(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """The PDF's Author metadata, or a Creator/Producer path naming a user."""
    meta = ctx.facts.metadata if ctx.facts else {}
    out = []
    author = str(meta.get("author") or "").strip()
    if author and not PLACEHOLDER.search(author) and re.search(r"[A-Za-z]{2}", author):
        out.append(finding("anon-metadata", "anonymity", "major",
                           f"The PDF's Author metadata says {author!r}; clear it (e.g. "
                           "\\hypersetup{pdfauthor={}} or exiftool -Author= paper.pdf).",
                           Evidence(section="PDF metadata", quote=quote(f"/Author: {author}"))))
    for key in ("creator", "producer", "subject", "keywords"):
        value = str(meta.get(key) or "")
        m = _HOME.search(value)
        if m and m.group(1).lower() not in ("shared", "public", "runner", "user"):
            out.append(finding("anon-metadata", "anonymity", "major",
                               f"The PDF's {key.capitalize()} metadata holds a path with the user "
                               f"name {m.group(1)!r}; clear it before submitting.",
                               Evidence(section="PDF metadata",
                                        quote=quote(f"/{key.capitalize()}: {value}"))))
    return out


_ACK_HEADING = re.compile(r"^\W*(?:acknowledge?ments?|funding|financial support|"
                          r"disclosure of funding)\b", re.IGNORECASE)
_GRANT = re.compile(r"\b(?:this|the|our) (?:work|research|project|study) (?:was|is|has been) "
                    r"(?:\w+ )?(?:supported|funded|sponsored)\b|\bgrant (?:no\.|number|agreement)",
                    re.IGNORECASE)


@rule("anon-acknowledgments", aspect="anonymity", context=True, scope="anonymity")
def anon_acknowledgments(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """An Acknowledgments or funding section (or a grant statement) in a review copy."""
    for s in paper.sections:
        if _ACK_HEADING.match(s.heading):
            return [finding("anon-acknowledgments", "anonymity", "major",
                            f"The submission has a section \"{s.heading}\"; acknowledgments and "
                            "funding reveal the authors: remove them from the review copy.",
                            evidence(next(u for u in units(paper) if u.section == s.heading),
                                     (sentences(s.text) or [s.heading])[0]))]
    hit = find_sentence(_GRANT, [u for u in units(paper) if u.kind == "section"])
    if hit:
        return [finding("anon-acknowledgments", "anonymity", "major",
                        "A funding statement names who supported the work; remove it from the "
                        "review copy.", evidence(*hit))]
    return []


_CITE = r"\s*(?:\[[\d,\s–-]+\]|\((?:[A-Z][\w-]+(?: et al\.?| and [A-Z][\w-]+)?,? \d{4}[a-z]?)\))"
_SELF = re.compile(
    r"\bour (?:own )?(?:previous|prior|earlier|recent|past|preliminary|former)\s+"
    r"(?:work|paper|study|studies|publication|results?|method|approach|system|model|version)s?"
    rf"[^.;]{{0,40}}?{_CITE}"
    rf"|{_CITE[3:]}[^.;]{{0,15}}\bour (?:own )?(?:previous|prior|earlier) (?:work|paper)"
    rf"|\bwe (?:have )?(?:previously|recently|earlier) (?:proposed|showed|shown|introduced|"
    rf"presented|developed|described|demonstrated)\b[^.;]{{0,60}}?{_CITE}"
    r"|\b(?:in|as in|see|following|extending) our (?:\w+ )?(?:paper|work)\s*(?:\[\d|\([A-Z])",
    re.IGNORECASE)


_SELF_HINT = re.compile(r"(?i)\bour (?:own )?(?:previous|prior|earlier|recent|past|preliminary|"
                        r"former|\w+ (?:paper|work))|\bour (?:paper|work)|\bwe (?:have )?"
                        r"(?:previously|recently|earlier)\b")


@rule("anon-self-citation", aspect="anonymity", context=True, scope="anonymity")
def anon_self_citation(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """Self-identifying citations: "in our previous work [2]", "we previously showed (X, 2020)"."""
    cand = [u for u in units(paper, captions=True) if _SELF_HINT.search(u.text)]
    hit = find_sentence(_SELF, cand)
    if not hit:
        return []
    return [finding("anon-self-citation", "anonymity", "major",
                    "The text cites the authors' own earlier work in the first person; cite it "
                    "in the third person (\"Smith et al. [2] showed\").", evidence(*hit))]


URL = re.compile(r"(?:https?://|www\.)[^\s)\]}>,;\"']+|\b[\w-]+\.github\.io[^\s)\]}>,;]*"
                 r"|\bgithub\.com/[^\s)\]}>,;]+", re.IGNORECASE)
ANONYMOUS_HOSTS = re.compile(
    r"anonymous\.4open\.science|anonymous\.github|anonymized|anonymous|openreview\.net"
    r"|doi\.org|arxiv\.org|aclanthology|proceedings\.|creativecommons|zenodo\.org/records?"
    r"|huggingface\.co/datasets|kaggle\.com|paperswithcode", re.IGNORECASE)
PERSONAL = re.compile(r"github\.com/|gitlab\.com/|bitbucket\.org/|\.github\.io|/~|sites\.google"
                      r"|/people/|/staff/|/members?/|/homes?/|\blab\b|huggingface\.co/(?!datasets)",
                      re.IGNORECASE)
_OWN = re.compile(r"\bour\b|\bwe (?:release|provide|make|open[- ]source|share|publish)\b"
                  r"|\b(?:code|implementation|project page|homepage|demo|models?|data)\b[^.]{0,40}"
                  r"\b(?:is|are|will be|can be found|available)\b|\bavailable (?:at|from|on)\b",
                  re.IGNORECASE)


def _url_hits(paper: Paper, ctx: CheckContext) -> list[tuple]:
    hits = []
    for u in units(paper, captions=True):
        low = u.text.lower()
        if "http" not in low and "www." not in low and "github" not in low:
            continue
        for sent in sentences(u.text):
            for m in URL.finditer(sent):
                url = m.group(0).rstrip(".")
                if ANONYMOUS_HOSTS.search(url) or not PERSONAL.search(url):
                    continue
                short = len(sent.split()) <= 8  # a footnote holding only the link
                if short or _OWN.search(sent):
                    hits.append((u, sent, url))
    if not hits and ctx.facts:
        refs = re.sub(r"\s+", "", "\n".join(paper.references)).lower()
        for page, uri in ctx.facts.links:
            bare = re.sub(r"^https?://(?:www\.)?", "", uri).rstrip("/").lower()
            if PERSONAL.search(uri) and not ANONYMOUS_HOSTS.search(uri) and bare not in refs:
                body = re.sub(r"\s+", "", ctx.facts.pages[page - 1]).lower() if (
                    page <= len(ctx.facts.pages)) else ""
                if bare[:30] in body:  # printed on the page, and not in the reference list
                    hits.append((None, uri, uri, page))
    return hits


@rule("anon-url", aspect="anonymity", context=True, scope="anonymity")
def anon_url(paper: Paper, ctx: CheckContext) -> list[Finding]:
    """A link to the authors' own repository or page (personal GitHub, lab page)."""
    hits = _url_hits(paper, ctx)
    if not hits:
        return []
    u, sent, url = hits[0][:3]
    ev = evidence(u, sent) if u else Evidence(page=hits[0][3], quote=quote(url))
    return [finding("anon-url", "anonymity", "major",
                    f"The link {url} may identify the authors (a personal repository or page); "
                    "use an anonymised copy (e.g. anonymous.4open.science) for review.", ev)]
