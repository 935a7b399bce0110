import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Department, Membership, Organisation, User
from governance import demo_data
from registry import services as registry_services
from registry.models import AISystem, UseCase

DEMO_PASSWORD = "demo"  # noqa: S105 - the local demo's published password


class Command(BaseCommand):
    help = "Load the demo municipalities, personas and use cases (safe to run again)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        organisations = {spec["slug"]: self._organisation(spec) for spec in demo_data.ORGANISATIONS}
        people = {row[0]: self._person(row, organisations) for row in demo_data.PEOPLE}
        self._superuser()
        boards = {
            org_slug: people[username]
            for username, _first, _last, org_slug, role, _departments in demo_data.PEOPLE
            if role == Membership.Role.BOARD
        }
        systems = {
            (spec["org"], spec["name"]): self._ai_system(spec, organisations, boards)
            for spec in demo_data.AI_SYSTEMS
        }
        created = sum(
            self._use_case(spec, organisations, boards, systems) for spec in demo_data.USE_CASES
        )
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
                name=spec["name"],
                slug=spec["slug"],
                ags=spec["ags"],
                contact_email=spec["contact_email"],
                website=spec["website"],
            )
        for name in spec["departments"]:
            if not organisation.departments.filter(name=name).exists():
                account_services.create_department(organisation=organisation, name=name)
        return organisation

    def _person(self, row: tuple, organisations: dict[str, Organisation]) -> User:
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
            user, organisation=organisation, role=role, departments=departments
        )
        return user

    def _superuser(self) -> None:
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@localhost.example", DEMO_PASSWORD)

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
