import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Department, Membership, Organisation, User
from governance import demo_data, demo_extensions, workflow
from governance import services as governance_services
from governance.models import ObligationItem, RiskClassification
from governance.selectors import current_submission
from registry import services as registry_services
from registry.models import AISystem, UseCase

DEMO_PASSWORD = "demo"  # noqa: S105 - the local demo's published password
# The reason in the history of everything the demo sets up (a command, not a person, wrote it).
DEMO_REASON = "Demodaten geladen (manage.py load_demo)"


class Command(BaseCommand):
    help = "Load the demo municipalities, personas and use cases (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's own transitions mail nobody: the personas' addresses are made up, and the
        # console would bury the logins printed below.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = self._load()
        self._print_logins(created)

    @transaction.atomic
    def _load(self) -> int:
        # The operator sets the demo up: every account write has an actor.
        self.operator = self._superuser()
        organisations = {spec["slug"]: self._organisation(spec) for spec in demo_data.ORGANISATIONS}
        people = {row[0]: self._person(row, organisations) for row in demo_data.PEOPLE}
        # The first board member of each organisation records the demo's use cases.
        boards: dict[str, User] = {}
        for username, _first, _last, org_slug, role, _departments in demo_data.PEOPLE:
            if role == Membership.Role.BOARD:
                boards.setdefault(org_slug, people[username])
        systems = {
            (spec["org"], spec["name"]): self._ai_system(spec, organisations, boards)
            for spec in demo_data.AI_SYSTEMS
        }
        created = sum(
            self._use_case(spec, organisations, boards, systems) for spec in demo_data.USE_CASES
        )
        for spec in demo_data.USE_CASES:
            self._advance(spec, organisations, people)
        for loader in demo_extensions.loaders():
            loader(organisations, people, DEMO_REASON)
        return created

    def _print_logins(self, created: int) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} use cases new)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  admin                      operator (superuser)")
        for username, _first, _last, org, role, departments in demo_data.PEOPLE:
            where = ", ".join(departments) or "-"
            self.stdout.write(f"  {username:26} {role:16} {org:11} {where}")

    def _organisation(self, spec: dict[str, Any]) -> Organisation:
        organisation = Organisation.objects.filter(slug=spec["slug"]).first()
        if organisation is None:
            organisation = account_services.create_organisation(
                actor=self.operator,
                reason=DEMO_REASON,
                name=spec["name"],
                slug=spec["slug"],
                ags=spec["ags"],
                contact_email=spec["contact_email"],
                website=spec["website"],
            )
        for name in spec["departments"]:
            if not organisation.departments.filter(name=name).exists():
                account_services.create_department(
                    actor=self.operator, reason=DEMO_REASON, organisation=organisation, name=name
                )
        return organisation

    def _person(self, row: tuple[Any, ...], organisations: dict[str, Organisation]) -> User:
        username, first_name, last_name, org_slug, role, department_names = row
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@{org_slug}.example",
            )
        organisation = organisations[org_slug]
        departments = Department.objects.filter(
            organisation=organisation, name__in=department_names
        )
        account_services.grant_role(
            user,
            organisation=organisation,
            role=role,
            departments=departments,
            actor=self.operator,
            reason=DEMO_REASON,
        )
        return user

    def _superuser(self) -> User:
        operator = User.objects.filter(username="admin").first()
        if operator is None:
            operator = User.objects.create_superuser(
                "admin", "admin@localhost.example", DEMO_PASSWORD
            )
        return operator

    def _ai_system(
        self, spec: dict[str, Any], organisations: dict[str, Organisation], boards: dict[str, User]
    ) -> AISystem:
        organisation = organisations[spec["org"]]
        existing = AISystem.objects.filter(organisation=organisation, name=spec["name"]).first()
        if existing:
            return existing
        fields = {k: v for k, v in spec.items() if k != "org"}
        return registry_services.create_ai_system(
            actor=boards[spec["org"]], organisation=organisation, reason="Demo-Daten", **fields
        )

    def _use_case(
        self,
        spec: dict[str, Any],
        organisations: dict[str, Organisation],
        boards: dict[str, User],
        systems: dict[tuple[str, str], AISystem],
    ) -> bool:
        organisation = organisations[spec["org"]]
        if UseCase.objects.filter(organisation=organisation, title=spec["title"]).exists():
            return False
        department = organisation.departments.get(name=spec["department"])
        personal = spec.get("personal", False)
        risk_class = spec.get("risk_class", "")
        today = timezone.localdate()
        interval = 12 if risk_class == "high_risk" else 24
        fields: dict[str, Any] = {
            "title": spec["title"],
            "short_description": spec["short_description"],
            "purpose": spec["purpose"],
            "status": spec["status"],
            "risk_class": risk_class,
            "responsible_role": f"Leitung {department.name}",
            "public_contact_email": organisation.contact_email,
            "ai_system": systems.get((spec["org"], spec["system"])) if spec["system"] else None,
            "oversight_mode": spec["oversight_mode"],
            "oversight_role": "Sachbearbeitung",
            "oversight_can_override": True,
            "oversight_can_stop": True,
            "objection_procedure": (
                "Betroffene können jederzeit eine Prüfung durch eine Sachbearbeiterin oder einen "
                "Sachbearbeiter verlangen; Widerspruch nach den allgemeinen Regeln."
            ),
            "processes_personal_data": personal,
            "processes_special_categories": spec.get("special", False),
            "monitors_staff": spec.get("monitors_staff", False),
            "staff_council_status": "pending" if spec.get("monitors_staff") else "not_required",
            "complements_rpa": spec.get("rpa", False),
            "yearly_case_volume": spec.get("volume"),
            "rule_clarity": "high" if risk_class in {"out_of_scope", "minimal"} else "medium",
            "input_structure": "medium",
            "review_interval_months": interval,
            "next_review_date": today + datetime.timedelta(days=30 * interval)
            if spec["status"] != "retired"
            else None,
            "start_date": today - datetime.timedelta(days=200)
            if spec["status"] in {"pilot", "in_operation", "retired"}
            else None,
            "end_date": today - datetime.timedelta(days=10)
            if spec["status"] == "retired"
            else None,
            "dpia_status": "done" if personal else "not_needed",
            "dpia_not_needed_reason": ""
            if personal
            else "Es werden keine personenbezogenen Daten verarbeitet.",
            "legal_basis_explanation": "",
        }
        children = {
            "legal_bases": spec.get("legal", []),
            "data_sources": [
                {"name": name, "register": register} for name, register in spec.get("sources", [])
            ],
            "public_services": [{"leika_key": key, "name": ""} for key in spec.get("leika", [])],
        }
        registry_services.create_use_case(
            actor=boards[spec["org"]],
            department=department,
            reason="Demo-Daten",
            children=children,
            **fields,
        )
        return True

    # -- the workflow: each use case moves through the governance services to its demo state ---

    def _actors(self, spec: dict[str, Any], people: dict[str, User]) -> dict[str, User]:
        """Who submits, decides and reviews a demo use case of its organisation."""
        lindenfeld = spec["org"] == "lindenfeld"
        heads = {
            ("lindenfeld", "Bürgeramt"): "amtsleitung-buergeramt",
            ("lindenfeld", "Sozialamt"): "amtsleitung-sozialamt",
            ("birkenau", "Jobcenter"): "amtsleitung-jobcenter",
        }
        board = "gremium" if lindenfeld else "gremium-birkenau"
        chair = "gremium-vorsitz" if lindenfeld else "gremium-birkenau-vorsitz"
        submitter = heads.get((spec["org"], spec["department"]), board)
        return {
            "submitter": people[submitter],
            # The board never decides on what it submitted itself.
            "decider": people[chair if submitter == board else board],
            Membership.Role.DATA_PROTECTION_OFFICER: people[
                "dsb" if lindenfeld else "dsb-birkenau"
            ],
            Membership.Role.INFORMATION_SECURITY_OFFICER: people[
                "isb" if lindenfeld else "isb-birkenau"
            ],
            Membership.Role.STAFF_COUNCIL: people["personalrat"],
        }

    def _advance(
        self, spec: dict[str, Any], organisations: dict[str, Organisation], people: dict[str, User]
    ) -> None:
        """Take the use case step by step to its demo state; steps already done are skipped."""
        use_case = UseCase.objects.get(organisation=organisations[spec["org"]], title=spec["title"])
        plan = demo_data.WORKFLOW.get(spec["title"], {})
        target = plan.get("target", demo_data.TARGET_BY_STATUS[spec["status"]])
        risk_class = spec.get("risk_class", "")
        if not risk_class:
            return
        actors = self._actors(spec, people)
        submitter = actors["submitter"]
        if not RiskClassification.objects.filter(use_case=use_case).exists():
            facts = demo_data.FACTS.get(spec["title"], demo_data.FACTS_BY_RISK_CLASS[risk_class])
            governance_services.classify_use_case(use_case, actor=submitter, facts=facts)
        outcome = {"rejected": "rejected", "changes_requested": "changes_requested"}.get(
            target, "approved"
        )
        for _step in range(8):
            use_case.refresh_from_db()
            state = use_case.workflow_state
            if state == target:
                return
            if state in workflow.EDITABLE_STATES:
                governance_services.submit_use_case(
                    use_case, actor=submitter, note="Bitte um Prüfung und Freigabe."
                )
            elif state in workflow.REVIEW_STATES:
                still_in_review = target in {"submitted", "in_review"}
                self._sign_off(
                    use_case, actors, plan.get("signed", []) if still_in_review else None
                )
                if still_in_review:
                    return
                governance_services.decide_use_case(
                    use_case,
                    actor=actors["decider"],
                    outcome=outcome,
                    rationale=DEMO_RATIONALES[outcome],
                )
            elif state == UseCase.WorkflowState.APPROVED and target in {"in_operation", "retired"}:
                self._complete_obligations(use_case, submitter, plan.get("open_obligations", []))
                governance_services.put_into_operation(
                    use_case, actor=submitter, reason="Nach Freigabe in Betrieb genommen."
                )
                if "review_in_days" in plan:
                    governance_services.reschedule_review(
                        use_case,
                        actor=actors["decider"],
                        reason="Überprüfungstermin festgelegt",
                        next_review_date=timezone.localdate()
                        + datetime.timedelta(days=plan["review_in_days"]),
                    )
            elif state == UseCase.WorkflowState.IN_OPERATION and target == "retired":
                governance_services.retire_use_case(
                    use_case, actor=actors["decider"], reason="Durch ein neues Verfahren ersetzt."
                )
            else:
                return

    def _sign_off(
        self, use_case: UseCase, actors: dict[str, User], roles: list[str] | None
    ) -> None:
        """Sign off in the given roles (all required ones when None) that have not signed yet."""
        submission = current_submission(use_case)
        signed = set(submission.sign_offs.values_list("role", flat=True)) if submission else set()
        for role in governance_services.missing_sign_offs(use_case, submission):
            if role in signed or (roles is not None and role not in roles):
                continue
            governance_services.sign_off_use_case(
                use_case, actor=actors[role], role=role, verdict="agree"
            )

    def _complete_obligations(self, use_case: UseCase, actor: User, keep_open: list[str]) -> None:
        """Record the evidence of a use case going into operation, leaving some open on purpose."""
        items = ObligationItem.objects.filter(
            use_case=use_case, applies=True, status=ObligationItem.Status.OPEN
        ).exclude(obligation__in=keep_open)
        for item in items:
            governance_services.update_obligation(
                item,
                actor=actor,
                status=ObligationItem.Status.DONE,
                evidence_url=f"https://intranet.example/nachweise/{use_case.pk}/{item.obligation}",
                evidence_date=timezone.localdate(),
            )


DEMO_RATIONALES = {
    "approved": "Nutzen und Risiken sind dokumentiert; die Voten liegen vor und stimmen zu.",
    "changes_requested": "Die Vergabekriterien und die menschliche Aufsicht sind genauer "
    "zu beschreiben.",
    "rejected": "Das Vorhaben greift zu stark in die Auswahl von Bewerbenden ein; der Nutzen "
    "rechtfertigt das Risiko nicht.",
}
