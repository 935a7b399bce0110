"""Every list endpoint needs as many queries for 50 records as for one."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership
from evidence import services as evidence_services
from evidence.models import Document
from incidents import services as incident_services
from incidents.models import Incident, Objection
from maturity import services as maturity_services
from maturity.questionnaires import ASKED_CRITERIA, READINESS_QUESTIONS
from portfolio import services as portfolio_services
from registry import services
from registry.models import AISystem, WebhookDelivery
from registry.publication import publish_use_case
from registry.webhooks import endpoints
from tests.api.conftest import ApiClient
from tests.api.routes import api_operations
from tests.conftest import make_use_case
from tests.evidence import files


def _use_cases(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        use_case = make_use_case(ctx["board"], ctx["department"], f"Fall {ctx['seq']}-{i}")
        services.set_use_case_children(
            use_case,
            actor=ctx["board"],
            reason="r",
            key="legal_bases",
            rows=[{"law": "DSGVO", "provision": "Art. 6"}],
        )


def _published(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        use_case = make_use_case(ctx["board"], ctx["department"], f"Öffentlich {ctx['seq']}-{i}")
        publish_use_case(use_case, actor=ctx["board"], reason="r")


def _ai_systems(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        services.create_ai_system(
            actor=ctx["board"],
            organisation=ctx["organisation"],
            name=f"S {ctx['seq']}-{i}",
            technique=AISystem.Technique.HYBRID,
            hosting=AISystem.Hosting.EU_CLOUD,
        )


def _departments(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        account_services.create_department(
            organisation=ctx["organisation"],
            name=f"A {ctx['seq']}-{i}",
            actor=None,
            reason="Testdaten",
        )


def _organisations(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        number = ctx["seq"] * 100 + i
        organisation = account_services.create_organisation(
            name=f"Gemeinde {number}",
            slug=f"g{number}",
            ags=f"{10000000 + number}",
            actor=None,
            reason="Testdaten",
        )
        account_services.grant_role(
            ctx["board"],
            organisation=organisation,
            role=Membership.Role.BOARD,
            actor=None,
            reason="Testdaten",
        )


def _webhooks(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        endpoints.create_webhook_endpoint(
            actor=ctx["board"],
            organisation=ctx["organisation"],
            url=f"http://127.0.0.1:9/{ctx['seq']}-{i}",
            events=["use_case.created"],
        )


def _deliveries(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        delivery = WebhookDelivery.objects.create(
            endpoint=ctx["endpoint"],
            event="use_case.created",
            event_id=f"00000000-0000-0000-0000-{ctx['seq']:06d}{i:06d}",
            use_case_pk=1,
            payload={},
        )
        delivery.attempts.create(response_status=500, response_body="nein")


def _incidents(ctx: dict[str, Any], n: int) -> None:
    use_case = make_use_case(ctx["board"], ctx["department"], f"Störungen {ctx['seq']}")
    for i in range(n):
        incident = incident_services.record_incident(
            use_case,
            actor=ctx["board"],
            title=f"Störung {ctx['seq']}-{i}",
            description="Falsche Vorschläge.",
            aware_at=timezone.now() - datetime.timedelta(hours=2),
            effect=Incident.Effect.SERIOUS,
        )
        # A report per incident: the list must not read them one incident at a time.
        incident_services.record_report(
            incident,
            actor=ctx["board"],
            clock="authority_15_days",
            reported_at=timezone.now() - datetime.timedelta(hours=1),
        )


def _objections(ctx: dict[str, Any], n: int) -> None:
    use_case = make_use_case(ctx["board"], ctx["department"], f"Widersprüche {ctx['seq']}")
    for i in range(n):
        incident_services.record_objection(
            use_case,
            actor=ctx["board"],
            channel=Objection.Channel.LETTER,
            received_at=timezone.now() - datetime.timedelta(days=1),
            contact={"statement": f"Ich widerspreche {i}.", "name": "Erika Muster"},
        )


def _documents(ctx: dict[str, Any], n: int) -> None:
    use_case = make_use_case(ctx["board"], ctx["department"], f"Dokumente {ctx['seq']}")
    for i in range(n):
        document = evidence_services.attach_document(
            actor=ctx["board"],
            target_kind="use_case",
            target_id=use_case.pk,
            title=f"Nachweis {ctx['seq']}-{i}",
            category=Document.Category.DPIA,
            file=files.upload(files.pdf(), "dsfa.pdf"),
            file_name="dsfa.pdf",
            evidence_date=datetime.date(2026, 11, 2),
            reason="DSFA abgeschlossen",
        )
        # A second version: each document's versions come in one query for all of them.
        evidence_services.add_document_version(
            document,
            actor=ctx["board"],
            file=files.upload(files.pdf(), "dsfa-2.pdf"),
            file_name="dsfa-2.pdf",
            evidence_date=datetime.date(2026, 11, 3),
            reason="ergänzt",
        )


def _measured(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        use_case = make_use_case(ctx["board"], ctx["department"], f"Gemessen {ctx['seq']}-{i}")
        publish_use_case(use_case, actor=ctx["board"], reason="r")
        for kind in ("processing_time", "follow_up_rate"):
            portfolio_services.record_measurement(
                use_case,
                actor=ctx["board"],
                indicator=kind,
                phase="baseline",
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 3, 31),
                value="3",
                source="Fachverfahren",
            )
        if ctx["seq"] == 1 and i == 0:
            for kind in ("processing_time", "follow_up_rate"):
                portfolio_services.set_indicator_publication(
                    ctx["organisation"], kind, actor=ctx["board"], is_public=True, reason="r"
                )


def _candidates(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        use_case = make_use_case(
            ctx["board"], ctx["department"], f"Idee {ctx['seq']}-{i}", yearly_case_volume=500 + i
        )
        services.set_use_case_children(
            use_case,
            actor=ctx["board"],
            reason="r",
            key="data_sources",
            rows=[{"name": "Melderegister", "register": "Melderegister"}],
        )
        portfolio_services.rate_candidate(use_case, actor=ctx["board"], benefit=4, effort=2)


def _readiness(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        maturity_services.record_readiness_assessment(
            ctx["organisation"],
            answers={q.key: i % 5 for q in READINESS_QUESTIONS},
            actor=ctx["board"],
        )


def _service_assessments(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        maturity_services.record_service_assessment(
            ctx["organisation"],
            leika_key=f"991070020{ctx['seq']}{i:04d}",
            answers={c.key: 2 for c in ASKED_CRITERIA},
            use_case_support={},
            actor=ctx["board"],
        )


def _maturity_measures(ctx: dict[str, Any], n: int) -> None:
    for i in range(n):
        maturity_services.create_measure(
            ctx["organisation"],
            actor=ctx["board"],
            reason="r",
            dimension="data_availability",
            title=f"Maßnahme {ctx['seq']}-{i}",
            owner_role="IT-Leitung",
            due_date=datetime.date(2027, 1, 1) + datetime.timedelta(days=i),
        )


LISTS: dict[tuple[str, str], tuple[Callable[[dict[str, Any]], str], Callable[..., None]]] = {
    ("use-case-list", "get"): (lambda ctx: "/api/v1/use-cases/", _use_cases),
    ("public-use-case-list", "get"): (lambda ctx: "/api/v1/public/use-cases/", _published),
    ("v2-public-use-case-list", "get"): (lambda ctx: "/api/v2/public/use-cases/", _published),
    ("ai-system-list", "get"): (lambda ctx: "/api/v1/ai-systems/", _ai_systems),
    ("department-list", "get"): (lambda ctx: "/api/v1/departments/", _departments),
    ("organisation-list", "get"): (lambda ctx: "/api/v1/organisations/", _organisations),
    ("webhook-list", "get"): (lambda ctx: "/api/v1/webhooks/", _webhooks),
    ("webhook-deliveries", "get"): (
        lambda ctx: f"/api/v1/webhooks/{ctx['endpoint'].pk}/deliveries/",
        _deliveries,
    ),
    ("incident-list", "get"): (lambda ctx: "/api/v1/incidents/", _incidents),
    ("objection-list", "get"): (lambda ctx: "/api/v1/objections/", _objections),
    ("document-list", "get"): (lambda ctx: "/api/v1/documents/", _documents),
    ("outcome-measurement-list", "get"): (lambda ctx: "/api/v1/outcome-measurements/", _measured),
    ("public-outcome-list", "get"): (lambda ctx: "/api/v1/public/outcomes/", _measured),
    ("portfolio-candidate-list", "get"): (
        lambda ctx: f"/api/v1/portfolio/{ctx['organisation'].slug}/candidates/",
        _candidates,
    ),
    ("maturity-readiness-assessment-list", "get"): (
        lambda ctx: "/api/v1/maturity/readiness-assessments/",
        _readiness,
    ),
    ("maturity-service-assessment-list", "get"): (
        lambda ctx: "/api/v1/maturity/service-assessments/",
        _service_assessments,
    ),
    ("maturity-measure-list", "get"): (
        lambda ctx: "/api/v1/maturity/measures/",
        _maturity_measures,
    ),
}


def test_every_list_endpoint_has_a_query_count_test():
    list_like = {
        op
        for op in api_operations()
        if op[1] == "get" and (op[0].endswith("-list") or op[0] == "webhook-deliveries")
    }
    assert list_like == set(LISTS)


@pytest.mark.parametrize("operation", sorted(LISTS), ids=lambda operation: operation[0])
def test_list_query_count_does_not_grow_with_records(
    operation, board_member, organisation, department
):
    endpoint = endpoints.create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url="http://127.0.0.1:9/q",
        events=["use_case.deleted"],
    )
    ctx = {
        "board": board_member,
        "organisation": organisation,
        "department": department,
        "endpoint": endpoint,
        "seq": 1,
    }
    url_of, populate = LISTS[operation]
    client = ApiClient(board_member)
    url = url_of(ctx)
    url += ("&" if "?" in url else "?") + "page_size=100"
    populate(ctx, 1)
    # The first request of a session writes the session once; measure from the second on.
    client.get(url)
    # Public answers are kept per data version; each measured request is a cold one.
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    ctx["seq"] = 2
    populate(ctx, 49)
    cache.clear()
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 50
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]
