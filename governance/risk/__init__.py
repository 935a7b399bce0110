"""EU AI Act risk classification: the questionnaire, its decision tree and the rule engine.

`classify` is the tree's (governance.risk.tree): it settles skipped, open and unanswered
questions before the engine's rules run.
"""

from governance.risk.engine import (
    RULE_SET_VERSION,
    Classification,
    Facts,
    FactsError,
    Reason,
    parse_facts,
    to_json,
)
from governance.risk.tree import classify

__all__ = [
    "RULE_SET_VERSION",
    "Classification",
    "Facts",
    "FactsError",
    "Reason",
    "classify",
    "parse_facts",
    "to_json",
]
