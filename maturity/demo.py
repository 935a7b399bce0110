"""Demo content of the maturity app: Stadt Lindenfeld's two assessments, services, measures."""

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from maturity import services
from maturity.models import AnswererNomination, ReadinessAssessment, ServiceAssessment
from maturity.questionnaires import READINESS_QUESTIONS
from registry.models import PublicService

# Half a year ago, then now: the trend the results page shows.
EARLIER = {
    "e_file": 1,
    "specialist_interfaces": 1,
    "identity_management": 2,
    "process_documentation": 1,
    "rules_written_down": 2,
    "case_figures": 1,
    "structured_data": 1,
    "register_access": 0,
    "data_quality": 1,
    "ai_responsibility": 1,
    "it_business_roles": 1,
    "capacity": 0,
}
NOW = {
    **EARLIER,
    "e_file": 2,
    "specialist_interfaces": 2,
    "process_documentation": 2,
    "case_figures": 2,
    "register_access": 1,
    "ai_responsibility": 3,
    "it_business_roles": 2,
    "capacity": 1,
}
BIRKENAU = dict.fromkeys((q.key for q in READINESS_QUESTIONS), 2)

SERVICES: dict[str, tuple[str, dict[str, int | None], list[str]]] = {
    # LeiKa key: (name, answers per criterion, criteria the use cases help with)
    "99107002000000": (
        "Wohngeld",
        {
            "service_description": 3,
            "application_process": 3,
            "user_account": 3,
            "authentication": 3,
            "payment": None,
            "evidence": 3,
            "evidence_retrieval": 2,
            "notification_channel": 2,
            "status_information": 1,
            "electronic_file": 2,
            "payment_accounting": None,
        },
        ["evidence", "application_process"],
    ),
    "99003001000000": (
        "Baugenehmigung",
        {
            "service_description": 3,
            "application_process": 3,
            "user_account": 3,
            "authentication": 3,
            "payment": 3,
            "evidence": 3,
            "evidence_retrieval": 1,
            "notification_channel": 3,
            "status_information": 2,
            "electronic_file": 3,
            "payment_accounting": 2,
        },
        ["evidence", "electronic_file"],
    ),
    # Gewerbe anmelden: online, with the register fed electronically (the idea's service).
    "99050012104000": (
        "Gewerbe anmelden",
        {
            "service_description": 4,
            "application_process": 5,
            "user_account": 4,
            "authentication": 4,
            "payment": 4,
            "evidence": 4,
            "evidence_retrieval": 4,
            "notification_channel": 4,
            "status_information": 4,
            "electronic_file": 5,
            "payment_accounting": 4,
        },
        ["application_process"],
    ),
}

MEASURES = (
    (
        "data_availability",
        "Melderegister für Wohngeld elektronisch anbinden",
        "Nachweise nicht mehr erfragen, sondern über das Melderegister abrufen (Once-Only).",
        "Leitung Sozialamt",
        datetime.date(2027, 6, 30),
        2,
        "in_progress",
    ),
    (
        "digital_foundations",
        "E-Akte im Bürgeramt und im Bauamt einführen",
        "",
        "Leitung Hauptamt",
        datetime.date(2027, 3, 31),
        3,
        "planned",
    ),
    (
        "responsibilities",
        "Stellenanteile für die KI-Einführung im Haushalt 2027 einplanen",
        "",
        "Kämmerei",
        datetime.date(2026, 10, 31),
        2,
        "planned",
    ),
    (
        "governance_basics",
        "Schulung KI-Kompetenz für alle Sachbearbeitenden (Art. 4 KI-VO)",
        "",
        "Personalamt",
        datetime.date(2027, 2, 28),
        4,
        "planned",
    ),
)


def load(organisations: dict[str, Organisation], people: dict[str, User], reason: str) -> None:
    """Lindenfeld's assessments over time, service maturity, measures and a nomination."""
    lindenfeld = organisations.get("lindenfeld")
    board = people.get("gremium")
    if lindenfeld is None or board is None:
        return
    if not ReadinessAssessment.objects.filter(organisation=lindenfeld).exists():
        now = timezone.now()
        services.record_readiness_assessment(
            lindenfeld,
            answers=EARLIER,
            actor=board,
            assessed_at=now - datetime.timedelta(days=182),
            note="Erste Standortbestimmung in der Klausur des KI-Gremiums.",
            reason=reason,
        )
        services.record_readiness_assessment(
            lindenfeld,
            answers=NOW,
            actor=board,
            note="Halbjährliche Fortschreibung.",
            reason=reason,
        )
        for measure in MEASURES:
            dimension, title, description, owner, due, target, status = measure
            created = services.create_measure(
                lindenfeld,
                actor=board,
                reason=reason,
                dimension=dimension,
                title=title,
                description=description,
                owner_role=owner,
                due_date=due,
                target_level=target,
            )
            if status != "planned":
                services.update_measure(
                    created,
                    actor=board,
                    reason="Umsetzung begonnen",
                    expected_version=services.measure_version(created),
                    status=status,
                )
    for leika_key, (name, answers, helps) in SERVICES.items():
        if ServiceAssessment.objects.filter(organisation=lindenfeld, leika_key=leika_key).exists():
            continue
        linked = PublicService.objects.filter(
            use_case__organisation=lindenfeld, leika_key=leika_key
        ).values_list("use_case_id", flat=True)
        services.record_service_assessment(
            lindenfeld,
            leika_key=leika_key,
            service_name=name,
            answers=answers,
            use_case_support={str(pk): helps for pk in linked},
            actor=board,
            reason=reason,
        )
    head = people.get("amtsleitung-buergeramt")
    if (
        head is not None
        and not AnswererNomination.objects.filter(organisation=lindenfeld, user=head).exists()
    ):
        services.nominate_answerer(
            lindenfeld,
            user=head,
            scope=AnswererNomination.Scope.SERVICES,
            actor=board,
            reason="Die Amtsleitung Bürgeramt kennt die Leistungen und ihre Online-Dienste.",
        )
    birkenau = organisations.get("birkenau")
    birkenau_board = people.get("gremium-birkenau")
    if (
        birkenau is not None
        and birkenau_board is not None
        and not ReadinessAssessment.objects.filter(organisation=birkenau).exists()
    ):
        services.record_readiness_assessment(
            birkenau, answers=BIRKENAU, actor=birkenau_board, reason=reason
        )
