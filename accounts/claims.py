"""From the identity provider's claims to memberships: rule matching and the sync at login."""

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import re2
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import ClaimMappingRule, Department, Membership, Organisation, User

logger = logging.getLogger(__name__)


def values_at(claims: Mapping[str, Any], path: str) -> list[str]:
    """The strings at a dotted claim path; lists on the way are walked element by element."""
    nodes: list[Any] = [claims]
    for part in path.split("."):
        found: list[Any] = []
        for node in nodes:
            if isinstance(node, Mapping) and part in node:
                found.append(node[part])
            elif isinstance(node, list):
                found.extend(
                    item[part] for item in node if isinstance(item, Mapping) and part in item
                )
        nodes = found
    values: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            values.append(node)
        elif isinstance(node, list):
            values.extend(item for item in node if isinstance(item, str))
    return values


# RE2 matches in time linear in the value, whatever the pattern: a rule one board saves runs at
# logins and must not be able to stall them. Its refusals are reported to the board, not logged.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


def _glob_source(pattern: str) -> str:
    parts = (".*" if char == "*" else "." if char == "?" else re2.escape(char) for char in pattern)
    return "(?s:" + "".join(parts) + ")"


def compile_rule(rule: ClaimMappingRule) -> Any:
    """The rule's pattern as an RE2 expression for fullmatch (raises re2.error when refused)."""
    if rule.match_type == ClaimMappingRule.MatchType.EXACT:
        source = re2.escape(rule.pattern)
    elif rule.match_type == ClaimMappingRule.MatchType.GLOB:
        source = _glob_source(rule.pattern)
    else:
        source = rule.pattern
    return re2.compile(source, options=_RE2_OPTIONS)


def _re2_reason(exc: Exception) -> str:
    reason = exc.args[0] if exc.args else ""
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def _is_python_only(pattern: str) -> bool:
    """Whether Python's re takes a pattern RE2 refuses: a backreference or a lookaround."""
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def validate_rule(rule: ClaimMappingRule) -> None:
    """Refuse a rule that could never grant anything sensible, naming the rule in the message."""
    label = rule.name or rule.pattern
    errors: dict[str, list[str]] = {}

    def add(field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(message)

    if not rule.claim_path or any(not part for part in rule.claim_path.split(".")):
        add(
            "claim_path",
            _("Regel „%(rule)s“: Der Claim-Pfad ist leer oder hat leere Teile.") % {"rule": label},
        )
    if not rule.pattern:
        add("pattern", _("Regel „%(rule)s“: Gruppe oder Muster fehlt.") % {"rule": label})
    try:
        compiled = compile_rule(rule)
    except re2.error as exc:
        if _is_python_only(rule.pattern):
            message = _(
                "Regel „%(rule)s“, Feld „Gruppe oder Muster“: Rückverweise (\\1, (?P=name)) "
                "und Lookarounds ((?=…), (?!…), (?<=…), (?<!…)) sind nicht erlaubt, damit jede "
                "Anmeldung in linearer Zeit geprüft wird (%(error)s)."
            )
        else:
            message = _(
                "Regel „%(rule)s“: Das Muster ist kein gültiger regulärer Ausdruck (%(error)s)."
            )
        add("pattern", message % {"rule": label, "error": _re2_reason(exc)})
        compiled = None
    if rule.organisation_id is None:
        if compiled is None or "ags" not in compiled.groupindex:
            add(
                "organisation",
                _(
                    "Regel „%(rule)s“: Ohne Organisation muss das Muster ein regulärer Ausdruck "
                    "mit der benannten Gruppe „ags“ sein, z. B. ^kommune-(?P<ags>\\d{8})$."
                )
                % {"rule": label},
            )
        if rule.department_id is not None:
            add(
                "department",
                _("Regel „%(rule)s“: Ein Fachbereich setzt eine Organisation voraus.")
                % {"rule": label},
            )
    elif rule.department is not None and rule.department.organisation_id != rule.organisation_id:
        add(
            "department",
            _("Regel „%(rule)s“: Der Fachbereich gehört nicht zu dieser Organisation.")
            % {"rule": label},
        )
    picks_department = compiled is not None and "department" in compiled.groupindex
    if (
        rule.role == Membership.Role.DEPARTMENT_HEAD
        and rule.department_id is None
        and not picks_department
    ):
        add(
            "department",
            _(
                "Regel „%(rule)s“: Eine Fachbereichsleitung braucht einen Fachbereich "
                "(oder die benannte Gruppe „department“ im Muster)."
            )
            % {"rule": label},
        )
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Grant:
    """One role in one organisation that the claims entitle a person to."""

    organisation: Organisation
    role: str
    departments: frozenset[Department] = frozenset()

    @property
    def role_label(self) -> str:
        return str(Membership.Role(self.role).label)


@dataclass
class Evaluation:
    """What a set of claims grants, and which of its values no rule used."""

    grants: list[Grant] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _organisation_for(rule: ClaimMappingRule, match: re.Match[str]) -> Organisation | None:
    if rule.organisation is not None:
        return rule.organisation
    return Organisation.objects.filter(ags=match.group("ags")).first()


def _departments_for(
    rule: ClaimMappingRule, organisation: Organisation, match: re.Match[str]
) -> frozenset[Department] | None:
    if rule.department is not None:
        return frozenset({rule.department})
    name = match.groupdict().get("department")
    if name is None:
        return frozenset()
    department = Department.objects.filter(organisation=organisation, name=name).first()
    return None if department is None else frozenset({department})


def login_organisations(claims: Mapping[str, Any], organisation_claim: str) -> set[int] | None:
    """The organisations a login belongs to by the AGS in its organisation claim; None: all.

    Without an organisation claim the provider is taken to serve one municipality, and every
    organisation's rules read its logins.
    """
    if not organisation_claim:
        return None
    ags = values_at(claims, organisation_claim)
    return set(Organisation.objects.filter(ags__in=ags).values_list("pk", flat=True))


def evaluate_claims(
    claims: Mapping[str, Any],
    rules: Iterable[ClaimMappingRule],
    *,
    default_claim_path: str = "groups",
    organisation_claim: str = "",
) -> Evaluation:
    """What the rules grant for these claims; unknown groups and organisations grant nothing.

    The operator's rules (without organisation) read every login; an organisation's rules read
    only the logins attributed to it: by the organisation claim, or by an operator's rule that
    named it.
    """
    evaluation = Evaluation()
    merged: dict[tuple[int, str], set[Department]] = {}
    organisations: dict[int, Organisation] = {}
    used: set[tuple[str, str]] = set()
    paths = {default_claim_path}

    def apply(rule: ClaimMappingRule) -> None:
        paths.add(rule.claim_path)
        try:
            compiled = compile_rule(rule)
        except re2.error:
            evaluation.problems.append(
                _("Regel „%(rule)s“ ist fehlerhaft und wurde übersprungen.") % {"rule": rule}
            )
            return
        for value in values_at(claims, rule.claim_path):
            match = compiled.fullmatch(value)
            found: frozenset[Department] | None
            if match is None:
                continue
            used.add((rule.claim_path, value))
            organisation = _organisation_for(rule, match)
            if organisation is None:
                evaluation.problems.append(
                    _("„%(value)s“ nennt eine unbekannte Organisation (Regel „%(rule)s“).")
                    % {"value": value, "rule": rule}
                )
                continue
            found = _departments_for(rule, organisation, match)
            if found is None:
                evaluation.problems.append(
                    _("„%(value)s“ nennt einen unbekannten Fachbereich (Regel „%(rule)s“).")
                    % {"value": value, "rule": rule}
                )
                continue
            organisations[organisation.pk] = organisation
            merged.setdefault((organisation.pk, rule.role), set()).update(found)

    rules = list(rules)
    for rule in rules:
        if rule.organisation_id is None:
            apply(rule)
    attributed = login_organisations(claims, organisation_claim)
    if attributed is not None:
        attributed |= organisations.keys()
    for rule in rules:
        if rule.organisation_id is not None and (
            attributed is None or rule.organisation_id in attributed
        ):
            apply(rule)
    for (organisation_id, role), departments in merged.items():
        if role == Membership.Role.DEPARTMENT_HEAD and not departments:
            continue
        evaluation.grants.append(
            Grant(organisations[organisation_id], role, frozenset(departments))
        )
    evaluation.grants.sort(key=lambda grant: (grant.organisation.name, grant.role))
    evaluation.unmatched = sorted(
        {value for path in paths for value in values_at(claims, path) if (path, value) not in used}
    )
    return evaluation


def active_rules() -> list[ClaimMappingRule]:
    """Every active mapping rule with what matching needs already loaded."""
    return list(
        ClaimMappingRule.objects.filter(is_active=True).select_related("organisation", "department")
    )


def log_evaluation(user: User, evaluation: Evaluation) -> None:
    """Log a login's rule problems, and the groups no rule matched."""
    for problem in evaluation.problems:
        logger.warning("OIDC login of %s: %s", user.username, problem)
    if evaluation.unmatched:
        logger.info(
            "OIDC login of %s: no mapping rule for %s",
            user.username,
            ", ".join(evaluation.unmatched),
        )
