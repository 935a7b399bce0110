"""The demo's IT service provider: one template, adopted by one demo municipality.

load_demo (governance) calls `load_provider_demo` after its own data; everything goes through
the services, and what exists already is left alone.
"""

from typing import Any

from accounts import services as account_services
from accounts.models import Department, Membership, Organisation, ProviderMembership, User
from interop import services
from interop.models import Adoption, UseCaseTemplate
from registry.models import UseCase

# A Zweckverband: no Gemeindeschlüssel.
PROVIDER: dict[str, Any] = {"name": "Kommunale IT Süd", "slug": "kommunale-it-sued", "ags": None}
PROVIDER_STAFF = "produkt-kommunale-it"
PRODUCT_DEPARTMENT = "Produktmanagement"
MEMBER = "birkenau"
ADOPTER = "amtsleitung-jobcenter"
TITLE = "KI-Posteingang im Produkt X"
CONTENT = {
    "short_description": (
        "Eingehende Post und E-Mails werden gelesen und dem zuständigen Fachbereich zur "
        "Zuordnung vorgeschlagen; die Poststelle bestätigt jede Zuordnung."
    ),
    "purpose": "Schnellere und richtige Zuordnung der Eingangspost, weniger Irrläufer.",
    "responsible_role": "Leitung der Poststelle",
    "data_categories": "Absender, Betreff, Inhalt des Schreibens",
    "oversight_mode": UseCase.OversightMode.HUMAN_IN_THE_LOOP,
    "oversight_role": "Sachbearbeitung der Poststelle",
    "objection_procedure": "Falsch zugeordnete Post wird von Hand umgeleitet.",
    "processes_personal_data": True,
    "benefit": "Eingangspost ist am selben Tag im richtigen Fachbereich.",
    "previous_process": "Die Poststelle ordnet jedes Schreiben von Hand zu.",
    "model_task": "Klassifikation von Schreiben nach Zuständigkeit",
    "model_inputs": "Text des Schreibens",
    "model_outputs": "Vorschlag eines Fachbereichs mit Sicherheit",
    "risks_and_mitigations": (
        "Fehlzuordnung verzögert Fristen: jede Zuordnung bestätigt ein Mensch."
    ),
    "product_url": "https://kommunale-it-sued.example/produkt-x/posteingang",
}


def load_provider_demo(
    organisations: dict[str, Organisation], people: dict[str, User], reason: str
) -> None:
    operator = User.objects.get(username="admin")
    provider = Organisation.objects.filter(slug=PROVIDER["slug"]).first()
    if provider is None:
        provider = account_services.create_organisation(
            actor=operator, reason=reason, kind=Organisation.Kind.IT_SERVICE_PROVIDER, **PROVIDER
        )
    department = Department.objects.filter(organisation=provider, name=PRODUCT_DEPARTMENT).first()
    if department is None:
        department = account_services.create_department(
            actor=operator, reason=reason, organisation=provider, name=PRODUCT_DEPARTMENT
        )
    staff = User.objects.filter(username=PROVIDER_STAFF).first()
    if staff is None:
        staff = User.objects.create_user(
            username=PROVIDER_STAFF,
            password="demo",  # noqa: S106 - the local demo's published password
            first_name="Paula",
            last_name="Produkt",
            email=f"{PROVIDER_STAFF}@{PROVIDER['slug']}.example",
        )
    account_services.grant_role(
        staff,
        organisation=provider,
        role=Membership.Role.DEPARTMENT_HEAD,
        departments=[department],
        actor=operator,
        reason=reason,
    )
    member = organisations[MEMBER]
    if not ProviderMembership.objects.filter(organisation=member, provider=provider).exists():
        account_services.add_provider_member(
            provider, organisation=member, actor=operator, reason=reason
        )
    template = UseCaseTemplate.objects.filter(organisation=provider, title=TITLE).first()
    if template is None:
        template = services.create_template(
            actor=staff,
            provider=provider,
            title=TITLE,
            reason=reason,
            content=dict(CONTENT),
            legal_bases=[
                {"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e", "url": ""},
            ],
        )
    if not template.is_published:
        services.publish_template(template, actor=staff, reason=reason)
        template.refresh_from_db()
    if not Adoption.objects.filter(template=template).exists():
        adopter = people[ADOPTER]
        jobcenter = Department.objects.get(organisation=member, name="Jobcenter")
        services.adopt_template(template, actor=adopter, department=jobcenter)
