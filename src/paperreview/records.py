"""Typed records that flow between stages as JSONL lines.

Field names here are a public contract: later stages and users rely on them. Every record has a
stable ``id`` and a free-form ``metadata`` dict; add fields, never rename them.

>>> Paper(id="abc", source="x.pdf", title="T").model_dump()["sections"]
[]
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["ok", "failed", "skipped"]


class Record(BaseModel):
    """Base: tolerant of extra keys on read (forward compatibility), strict on types."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# --------------------------------------------------------------------------- papers
class Section(Record):
    heading: str
    level: int = 1
    text: str = ""
    appendix: bool = False  # sections after the references / under an "Appendix" heading


class Caption(Record):
    kind: Literal["figure", "table", "algorithm", "other"] = "figure"
    label: str = ""  # "1", "2a", "A.1"
    text: str = ""
    page: int | None = None  # 1-based


class Footnote(Record):
    text: str  # with its mark: "2 Code is at ..."
    page: int | None = None  # 1-based (None for LaTeX input)


class HiddenText(Record):
    page: int  # 1-based
    text: str
    # background_color | tiny_font | invisible_render | outside_page | covered
    reason: str


class Author(Record):
    """One person on the paper, with affiliations and e-mails kept apart from the name."""

    name: str
    affiliations: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)


class Paper(Record):
    """A parsed paper. ``id`` is the sha256 of the PDF bytes (or of the source JSON)."""

    id: str
    source: str = ""
    n_pages: int = 0
    title: str = ""
    authors: list[str] = Field(default_factory=list)  # names only, in the paper's order
    author_details: list[Author] = Field(default_factory=list)  # same people, with affiliations
    abstract: str = ""
    sections: list[Section] = Field(default_factory=list)
    captions: list[Caption] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)  # out of the running text
    references: list[str] = Field(default_factory=list)
    hidden_text: list[HiddenText] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def body_sections(self) -> list[Section]:
        return [s for s in self.sections if not s.appendix]


# --------------------------------------------------------------------------- human reviews
class HumanReview(Record):
    id: str
    forum: str
    signature: str = ""
    fields: dict[str, Any] = Field(default_factory=dict)  # in the venue's order
    text: str = ""
    rating: float | None = None
    confidence: float | None = None
    date: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class MetaReview(Record):
    id: str
    forum: str
    signature: str = ""
    text: str = ""
    kind: Literal["meta_review", "decision"] = "meta_review"  # AC meta-review or decision note
    decision: str | None = None  # the raw decision string, e.g. "Accept (Poster)"
    date: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


CommentKind = Literal[
    "author_response", "public_comment", "official_comment", "pre_review_question", "other"
]


class Comment(Record):
    id: str
    forum: str
    kind: CommentKind = "other"
    signature: str = ""
    text: str = ""
    date: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Submission(Record):
    """One submitted paper with everything said about it."""

    id: str
    forum: str
    venue: str = ""
    title: str = ""
    abstract: str = ""
    authors: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    decision: Literal["accept", "reject"] | None = None
    paper_id: str | None = None  # Paper.id once joined
    pdf_urls: list[str] = Field(default_factory=list)
    revisions: list[dict[str, Any]] = Field(default_factory=list)
    reviews: list[HumanReview] = Field(default_factory=list)
    meta_reviews: list[MetaReview] = Field(default_factory=list)
    comments: list[Comment] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------- aggregated reviews
class AggregatedReview(Record):
    """One line of ``aggregated.jsonl``."""

    id: str  # the submission id
    paper_id: str | None = None
    template: str
    template_version: str
    status: Status = "ok"
    review: dict[str, Any] | None = None
    text: str | None = None  # bracket text
    job_key: str | None = None
    model: str | None = None
    reviewer_ids: list[str] = Field(default_factory=list)
    error: str | None = None
    raw: str | None = None  # raw model output when parsing failed
    metadata: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------- instruction data
# --------------------------------------------------------------------------- generated reviews
class Evidence(Record):
    page: int | None = None
    section: str | None = None
    quote: str | None = None


class Finding(Record):
    rule: str
    aspect: str
    severity: Literal["info", "minor", "major", "critical"] = "minor"
    message: str
    evidence: Evidence = Field(default_factory=Evidence)


CommentSource = Literal["checklist", "llm", "human", "other"]
CommentCategory = Literal[
    "soundness", "experiments", "claims", "clarity", "novelty", "reproducibility", "math",
    "ethics", "integrity", "presentation", "other",
]
CommentSeverity = Literal["critical", "major", "moderate", "minor"]


class ReviewComment(Record):
    """One thing a review says about a paper, anchored on a quoted passage.

    Offline checklist findings become comments with ``source="checklist"``; model comments have
    ``source="llm"``. ``verified`` says the quote was found in the paper text; a comment whose
    quote could not be verified (or that the precision pass rejected) stays in the record with
    ``status="rejected"`` and a ``reason`` but is never shown as a finding.
    """

    id: str
    source: CommentSource = "llm"
    category: CommentCategory = "other"
    severity: CommentSeverity = "minor"
    text: str
    suggestion: str | None = None
    evidence: Evidence = Field(default_factory=Evidence)
    verified: bool = False
    status: Literal["kept", "rejected"] = "kept"
    reason: str | None = None
    rule: str | None = None  # the checklist rule, for source="checklist"
    metadata: dict[str, Any] = Field(default_factory=dict)


class GroundingCheck(Record):
    point: str
    reference: str
    found: bool


class GeneratedReview(Record):
    """A review produced by ``paperreview review`` (one line of GEN.jsonl for ``evaluate``)."""

    id: str
    paper_id: str | None = None
    source: str = ""
    template: str | None = None
    model: str | None = None
    status: Status = "ok"
    review: dict[str, Any] | None = None
    text: str | None = None
    rating: float | None = None
    decision: Literal["accept", "reject"] | None = None
    findings: list[Finding] = Field(default_factory=list)
    comments: list[ReviewComment] = Field(default_factory=list)
    grounding: list[GroundingCheck] = Field(default_factory=list)
    hidden_text: list[HiddenText] = Field(default_factory=list)
    error: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class EvalResult(Record):
    id: str
    metric: str
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    metadata: dict[str, Any] = Field(default_factory=dict)
