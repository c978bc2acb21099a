"""``check_paper``: run the offline checklist over a parsed paper.

>>> from paperreview.records import Paper, Section
>>> text = "We train a neural network classifier by backpropagation: 91.2% test set accuracy."
>>> p = Paper(id="x", sections=[Section(heading="4 Experiments", text=text)])
>>> sorted({f.rule for f in check_paper(p)})[:3]
['missing-reproducibility', 'no-baselines', 'no-code-availability']
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ConfigError
from ..records import Finding, Paper
from .rules import RULES

SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2, "info": 3}


def check_paper(paper: Paper, rules: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of the selected rules (all by default), most severe first.

    A rule that crashes on odd input becomes an ``info`` finding saying so rather than killing
    the review: the other rules' findings are still worth having.
    """
    names = list(RULES) if rules is None else list(rules)
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise ConfigError(f"unknown checklist rule(s): {', '.join(unknown)}",
                          f"known rules: {', '.join(RULES)}")
    findings: list[Finding] = []
    for name in names:
        r = RULES[name]
        try:
            findings += r.fn(paper)
        except Exception as exc:  # noqa: BLE001 - one broken rule must not lose the others
            findings.append(Finding(rule=name, aspect=r.aspect, severity="info",
                                    message=f"rule {name} could not run: {exc!r}"))
    order = {n: i for i, n in enumerate(names)}
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], order[f.rule]))
