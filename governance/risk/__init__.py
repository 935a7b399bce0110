"""EU AI Act risk classification: the questionnaire and the rule engine behind it."""

from governance.risk.engine import (
    RULE_SET_VERSION,
    Classification,
    Facts,
    FactsError,
    Reason,
    classify,
    parse_facts,
    to_json,
)

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
