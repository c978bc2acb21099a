from paperreview.evaluate.inputs import generated_doc, join, load_generated
from paperreview.evaluate.match import doc_points
from paperreview.io import write_jsonl
from paperreview.records import Finding, GeneratedReview, Submission


def test_join_by_ids_source_stem_and_title():
    subs = [Submission(id="iclr_2017-304", forum="f304", paper_id="abc", title="Making Neural "
                       "Programming Architectures Generalize", metadata={"peerread_id": "304"}),
            Submission(id="s2", forum="f2")]
    gens = [GeneratedReview(id="abc"),                                   # paper_id
            GeneratedReview(id="x", source="pdfs/304.pdf"),              # file stem
            GeneratedReview(id="y", metadata={"title": "making neural programming "
                                                       "architectures generalize!"}),  # title
            GeneratedReview(id="f2"),                                    # forum
            GeneratedReview(id="nope")]
    pairs, missing = join(gens, subs)
    assert [(g.id, s.id) for g, s in pairs] == [("abc", "iclr_2017-304"), ("x", "iclr_2017-304"),
                                                ("y", "iclr_2017-304"), ("f2", "s2")]
    assert missing == {"no matching submission in --human": 1}


def test_offline_checklist_reviews_count_and_their_findings_are_points(tmp_path):
    path = tmp_path / "g.jsonl"
    write_jsonl(path, [
        GeneratedReview(id="a", status="skipped", findings=[Finding(
            rule="no-ablation", aspect="experiments", message="There is no ablation study; "
            "remove each component in turn. Another sentence.")]),
        GeneratedReview(id="b", status="failed", error="parse"),
        GeneratedReview(id="c", text="- A real point about the baselines.")])
    gens, dropped = load_generated(path)
    assert [g.id for g in gens] == ["a", "c"]
    assert dropped == {"generated review status failed": 1}
    pts = doc_points(generated_doc(gens[0], "s"))
    assert [p.text for p in pts] == ["There is no ablation study; remove each component in turn."]


def test_papers_dir_from_parse_is_read_and_bookkeeping_skipped(tmp_path):
    from paperreview.evaluate.inputs import load_papers
    from paperreview.records import Paper, Section

    paper = Paper(id="abc", source="x/paper1.pdf", title="T",
                  sections=[Section(heading="1 Intro", text="Hello.")])
    (tmp_path / "paper1.json").write_text(paper.model_dump_json())
    (tmp_path / "parse_config.json").write_text('{"workers": 2}')
    index, bad = load_papers(tmp_path)
    assert index["abc"].title == "T" and not bad
