"""The risk questionnaire as a decision tree, in the manner of the Dutch government's AI Act
decision aid (Beslishulp AI-verordening): one question at a time, in the order in which the Act's
tests build on each other, each with the provision behind it.

A question is asked only when, given the answers before it, its answer can still change the
classification (`Node.ask_when`, read on the engine's own Situation of those answers); an answer
that settles the case ends the tree (`Node.ends_when`: not an AI system, outside the Act's scope,
a prohibited practice). "Weiß nicht" is an answer too: it leaves the classification open
("undetermined") with the question as a to-do, and the walk goes on as `Node.if_unknown` assumes,
so the questions after it can still be answered.

The nodes are the questions of governance.risk.questions under their fact ids; the tree adds no
question and renames none, so answers stored before it stay readable. Such answers (stored without
`answered`) count as all answered and are classified exactly as before.
"""

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from governance.risk import engine
from governance.risk.engine import (
    QUESTION_FIELDS,
    Classification,
    Facts,
    Reason,
    Situation,
    parse_facts,
)
from governance.risk.questions import QUESTIONS, Question

AnswerState = Literal["answered", "unknown", "pending"]


def _always(_s: Situation) -> bool:
    return True


# A day before every date of application: "in use long before the Act".
_LONG_AGO: Final = datetime.date(2000, 1, 1)


def _timeline(facts: Facts) -> tuple[engine.Timing, ...]:
    return engine.classify(facts).timeline


def _market_date_can_matter(s: Situation) -> bool:
    # Art. 111(2) and the Art. 50(2) date: asked only where some date of application depends on
    # when the system was placed on the market, i.e. where the engine's dates would differ.
    facts = dataclasses.replace(s.facts, significant_design_change=False)
    return _timeline(dataclasses.replace(facts, placed_on_market_on=_LONG_AGO)) != _timeline(
        dataclasses.replace(facts, placed_on_market_on=None)
    )


def _design_change_can_matter(s: Situation) -> bool:
    # Art. 111(2): a significant change of design ends the transitional period, if there is one.
    return _timeline(dataclasses.replace(s.facts, significant_design_change=False)) != _timeline(
        dataclasses.replace(s.facts, significant_design_change=True)
    )


@dataclass(frozen=True)
class Node:
    """One question of the tree: when it is asked, what ends the tree, what "weiß nicht" assumes."""

    key: str
    ask_when: Callable[[Situation], bool]
    # The value the walk goes on with after "weiß nicht", chosen so that the questions the answer
    # might open are still asked.
    if_unknown: object
    ends_when: Callable[[Situation], bool] | None = None
    # A "yes" here would also mean "yes" to that earlier question (a deep fake is generated
    # content), so after a "no" there the question is not asked.
    implies: str = ""


NODES: Final[tuple[Node, ...]] = (
    # Art. 3(1): without an AI system the Act does not apply at all.
    Node("is_ai_system", _always, True, ends_when=lambda s: not s.facts.is_ai_system),
    # Art. 2(3), (6), (8): purposes outside the Act's scope.
    Node("excluded", _always, None, ends_when=lambda s: s.facts.excluded is not None),
    # Art. 3(3), (4), Art. 25: the role decides whose duties follow; unknown: both sides.
    Node("role", _always, "provider_and_deployer"),
    # Art. 5(1): a prohibited practice ends the tree; nothing else is derived for it.
    Node("prohibited_practices", _always, frozenset(), ends_when=lambda s: bool(s.prohibited)),
    # Annex III point 1 (biometrics) and Art. 26(10).
    Node("emotion_recognition", _always, False),
    Node("biometric_categorisation_sensitive", _always, False),
    Node("post_remote_biometric_identification", _always, False),
    # Art. 6(1), Annex I: Section B counts only for a product that is not under Section A.
    Node("annex_i_safety_component", _always, False),
    Node("annex_i_section_b", lambda s: not s.facts.annex_i_safety_component, False),
    # Art. 6(2), Annex III.
    Node("annex_iii_points", _always, frozenset()),
    # Art. 6(3): the opening condition only for an Annex III system, the derogations only once it
    # is affirmed, profiling (third subparagraph) only once a derogation is claimed.
    Node("art_6_3_no_significant_risk", lambda s: bool(s.annex_iii_points), True),
    Node(
        "art_6_3_conditions",
        lambda s: bool(s.annex_iii_points) and s.facts.art_6_3_no_significant_risk,
        frozenset(),
    ),
    Node(
        "profiles_natural_persons",
        lambda s: bool(
            s.annex_iii_points
            and s.facts.art_6_3_no_significant_risk
            and s.facts.art_6_3_conditions
        ),
        False,
    ),
    # Art. 25(1)(c): only a system that is high-risk under Annex III makes its user a provider.
    Node("general_purpose_system_put_to_high_risk_use", lambda s: bool(s.high_risk_points), False),
    # Art. 50: transparency, in addition to any class above.
    Node("interacts_with_natural_persons", _always, False),
    Node("generates_synthetic_content", _always, True),
    Node(
        "deep_fake",
        lambda s: s.facts.generates_synthetic_content,
        False,
        implies="generates_synthetic_content",
    ),
    Node(
        "public_interest_text_without_editorial_review",
        lambda s: s.facts.generates_synthetic_content,
        False,
        implies="generates_synthetic_content",
    ),
    # Art. 50(3): already answered when emotions or sensitive traits are recognised.
    Node(
        "emotion_recognition_or_biometric_categorisation",
        lambda s: not (s.facts.emotion_recognition or s.facts.biometric_categorisation_sensitive),
        False,
    ),
    # Art. 53.
    Node("provides_general_purpose_model", _always, False),
    # Art. 111(2) and the Art. 50(2) date: only where a date of application depends on it.
    Node("placed_on_market_on", _market_date_can_matter, None),
    Node("significant_design_change", _design_change_can_matter, False),
)
NODES_BY_KEY: Final[dict[str, Node]] = {node.key: node for node in NODES}
QUESTIONS_BY_KEY: Final[dict[str, Question]] = {question.key: question for question in QUESTIONS}
# A leaf's own conclusion ("minimal risk") is no consequence of a single answer on the way.
_CONCLUSION_ARTICLES: Final[frozenset[str]] = frozenset({"Art. 95 KI-VO"})

_NOT_YET: Final = _(
    "Noch nicht eingestuft: Die Frage „{question}“ ist noch nicht beantwortet. Die Einstufung "
    "steht fest, wenn alle Fragen des Entscheidungsbaums beantwortet sind."
)
_OPEN: Final = _(
    "Offen: Die Frage „{question}“ ist mit „weiß nicht“ beantwortet. Klären Sie sie (etwa mit "
    "dem Anbieter oder der Datenschutzbeauftragten); bis dahin gibt es keine Einstufung und "
    "keine Pflichtenliste."
)
NO_EFFECT: Final = _("Keine Auswirkung auf die Einstufung.")
UNKNOWN_EFFECT: Final = _("Offen: Die Einstufung bleibt offen, bis die Frage geklärt ist.")


@dataclass(frozen=True)
class Step:
    """One question on the path taken: how it was answered and what followed from it."""

    question: Question
    state: AnswerState
    value: object = None
    # The reasons this answer added to the classification (empty: no effect).
    consequences: tuple[Reason, ...] = ()
    ends: bool = False

    @property
    def key(self) -> str:
        return self.question.key

    def answer_text(self) -> str:
        """The answer in words, as the summary shows it."""
        if self.state == "unknown":
            return str(_("weiß nicht"))
        if self.state == "pending":
            return str(_("noch nicht beantwortet"))
        return answer_text(self.question, self.value)


@dataclass(frozen=True)
class Walk:
    """The path through the tree for a set of answers."""

    steps: tuple[Step, ...]
    # The first question on the path not yet answered; None once a leaf is reached.
    current: Question | None
    # The answers on the path with everything off it at its default: what the engine classifies.
    facts: Facts

    @property
    def complete(self) -> bool:
        return self.current is None

    @property
    def open_questions(self) -> tuple[Question, ...]:
        return tuple(step.question for step in self.steps if step.state == "unknown")

    @property
    def answered_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.state != "pending")

    def previous_of(self, key: str) -> Question | None:
        """The question asked before `key` on this path."""
        keys = [step.key for step in self.steps]
        if key not in keys:
            return None
        index = keys.index(key)
        return self.steps[index - 1].question if index > 0 else None

    def on_path(self, key: str) -> bool:
        return any(step.key == key for step in self.steps)


def answer_text(question: Question, value: object) -> str:
    """An answer to a question in words."""
    if question.kind == "bool":
        return str(_("Ja") if value else _("Nein"))
    if question.kind == "date":
        if value is None:
            return str(_("noch nicht in Verkehr gebracht oder in Betrieb genommen"))
        return date_format(value, "DATE_FORMAT")  # type: ignore[arg-type]
    labels = {option.value: str(option.label) for option in question.options}
    if question.kind == "choice":
        return labels.get(value if isinstance(value, str) else None, str(value))
    chosen = sorted(value or (), key=list(labels).index)  # type: ignore[call-overload]
    if not chosen:
        return str(_("keiner davon"))
    return "; ".join(labels[item] for item in chosen)


def _reasons(facts: Facts) -> tuple[Reason, ...]:
    return engine.classify(facts).reasons


def _with(facts: Facts, key: str, value: object) -> Facts:
    """The facts with one answer set; the key is a question id, the value of its kind."""
    changes: dict[str, Any] = {key: value}
    return dataclasses.replace(facts, **changes)


def walk(facts: Facts) -> Walk:
    """Follow the tree through the answers: the path taken, the next question, the facts."""
    answered = frozenset(QUESTION_FIELDS) if facts.answered is None else facts.answered
    so_far = Facts(deployer_legal_form=facts.deployer_legal_form)
    on_path = Facts(deployer_legal_form=facts.deployer_legal_form)
    steps: list[Step] = []
    current: Question | None = None
    # Before the first answer nothing follows yet (the defaults' "not an AI system" is no answer).
    before: tuple[Reason, ...] = ()
    for node in NODES:
        question = QUESTIONS_BY_KEY[node.key]
        if not node.ask_when(Situation.of(so_far)):
            continue
        if node.key not in answered:
            current = question
            steps.append(Step(question, "pending"))
            break
        if node.key in facts.unknown:
            so_far = _with(so_far, node.key, node.if_unknown)
            before = _reasons(so_far)
            steps.append(Step(question, "unknown"))
            continue
        value = getattr(facts, node.key)
        so_far = _with(so_far, node.key, value)
        on_path = _with(on_path, node.key, value)
        after = _reasons(so_far)
        added = tuple(
            reason
            for reason in after
            if reason not in before and reason.article not in _CONCLUSION_ARTICLES
        )
        before = after
        ends = node.ends_when is not None and node.ends_when(Situation.of(so_far))
        steps.append(Step(question, "answered", value, added, ends))
        if ends:
            break
    return Walk(tuple(steps), current, on_path)


def classify(facts: Facts | dict[str, object]) -> Classification:
    """Classify through the tree: no verdict while a question on the path is unanswered or open.

    Answers stored before the tree (no `answered`) are classified as given, so old
    classifications keep their result; answers off the path taken do not count.
    """
    if not isinstance(facts, Facts):
        facts = parse_facts(facts)
    path = walk(facts)
    if path.current is not None:
        text = format_lazy(_NOT_YET, question=path.current.text)
        return Classification("undetermined", (), (Reason(path.current.legal_source, str(text)),))
    if path.open_questions:
        return Classification(
            "undetermined",
            (),
            tuple(
                Reason(question.legal_source, str(format_lazy(_OPEN, question=question.text)))
                for question in path.open_questions
            ),
        )
    if facts.answered is None:
        return engine.classify(dataclasses.replace(facts, unknown=frozenset()))
    return engine.classify(path.facts)


def answer(facts: Facts, key: str, value: object, *, unknown: bool = False) -> dict[str, object]:
    """The raw answers with one question (re-)answered, as classify_use_case stores them."""
    answered = frozenset(QUESTION_FIELDS) if facts.answered is None else facts.answered
    raw: dict[str, object] = {
        name: _raw(getattr(facts, name)) for name in QUESTION_FIELDS if name in answered
    }
    default = getattr(Facts(), key)
    raw[key] = _raw(default if unknown else value)
    open_ = set(facts.unknown) - {key}
    if unknown:
        open_.add(key)
    raw["unknown"] = sorted(open_)
    raw["answered"] = sorted(answered | {key})
    return raw


def _raw(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
