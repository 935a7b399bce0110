"""Persona × endpoint × method: the status code every caller gets, generated from the URL conf.

A new endpoint without an entry in EXPECTED fails `test_every_api_operation_has_an_entry`.
Writes send a body that passes validation for whoever may write, so 2xx means "allowed", 403
"visible but not allowed", 404 "not visible" and 401 "not logged in".
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from maturity import services as maturity_services
from maturity.questionnaires import ASKED_CRITERIA, READINESS_QUESTIONS
from portfolio import services as portfolio_services
from registry.models import WebhookDelivery
from registry.publication import publish_use_case
from registry.webhooks import endpoints
from tests.api.conftest import ApiClient
from tests.api.routes import api_operations
from tests.evidence import files
from tests.evidence.conftest import attach

WRITES = {"put", "patch"}
PERSONAS = (
    "anonymous",
    "outsider",
    "department_head",
    "other_department_head",
    "dpo",
    "auditor",
    "board_member",
    "foreign_board_member",
)


def _row(
    anonymous: int,
    outsider: int,
    head: int,
    other_head: int,
    dpo: int,
    auditor: int,
    board: int,
    foreign_board: int,
) -> dict[str, int]:
    return dict(
        zip(
            PERSONAS,
            (anonymous, outsider, head, other_head, dpo, auditor, board, foreign_board),
            strict=True,
        )
    )


# Public operations answer everybody alike.
PUBLIC_OK = _row(200, 200, 200, 200, 200, 200, 200, 200)
# Lists answer every logged-in caller; their content is filtered (test_cross_organisation.py).
LIST_OK = _row(401, 200, 200, 200, 200, 200, 200, 200)
# One record of the department head's organisation, readable by everyone in it.
ORG_READ = _row(401, 404, 200, 200, 200, 200, 200, 404)
# Changing the department head's own use case: the head and the board.
USE_CASE_CHANGE = _row(401, 404, 200, 403, 403, 403, 200, 404)
# Webhooks are the board's alone; others of the organisation do not see them.
BOARD_ONLY_LIST = _row(401, 403, 403, 403, 403, 403, 200, 200)
BOARD_ONLY_OBJECT = _row(401, 404, 404, 404, 404, 404, 200, 404)
# The board's records that the organisation's internal audit reads too.
BOARD_AND_AUDIT_OBJECT = _row(401, 404, 404, 404, 404, 200, 200, 404)

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("risk-classification", "post"): PUBLIC_OK,
    ("public-use-case-list", "get"): PUBLIC_OK,
    # The change log's public part: keys, signed heads, proofs (ledger).
    ("log-keys", "get"): PUBLIC_OK,
    ("log-heads", "get"): PUBLIC_OK,
    ("log-consistency", "get"): PUBLIC_OK,
    ("log-inclusion", "get"): PUBLIC_OK,
    ("v2-log-inclusion", "get"): PUBLIC_OK,
    ("public-use-case-detail", "get"): PUBLIC_OK,
    ("public-use-case-changes", "get"): PUBLIC_OK,
    ("v2-public-use-case-list", "get"): PUBLIC_OK,
    ("v2-public-use-case-detail", "get"): PUBLIC_OK,
    ("v2-public-use-case-changes", "get"): PUBLIC_OK,
    ("organisation-list", "get"): LIST_OK,
    ("organisation-detail", "get"): ORG_READ,
    ("department-list", "get"): LIST_OK,
    ("department-detail", "get"): ORG_READ,
    ("ai-system-list", "get"): LIST_OK,
    # Outsiders and the foreign board cannot name the organisation (400 on the field).
    ("ai-system-list", "post"): _row(401, 400, 201, 201, 403, 403, 201, 400),
    ("ai-system-detail", "get"): ORG_READ,
    ("ai-system-detail", "put"): _row(401, 404, 200, 200, 403, 403, 200, 404),
    ("ai-system-detail", "patch"): _row(401, 404, 200, 200, 403, 403, 200, 404),
    ("use-case-list", "get"): LIST_OK,
    # The streamed bulk read: like the list, filtered (tests/api/test_bulk_read.py).
    ("use-case-export", "get"): LIST_OK,
    # Heads create in their own department only; a department of another organisation is unknown.
    ("use-case-list", "post"): _row(401, 400, 201, 403, 403, 403, 201, 400),
    ("use-case-detail", "get"): ORG_READ,
    ("use-case-detail", "put"): USE_CASE_CHANGE,
    ("use-case-detail", "patch"): USE_CASE_CHANGE,
    ("use-case-detail", "delete"): _row(401, 404, 403, 403, 403, 403, 204, 404),
    ("use-case-history", "get"): _row(401, 404, 200, 403, 403, 200, 200, 404),
    ("use-case-submit", "post"): _row(401, 404, 200, 403, 403, 403, 200, 404),
    ("use-case-sign-off", "post"): _row(401, 404, 403, 403, 200, 403, 403, 404),
    ("use-case-decide", "post"): _row(401, 404, 403, 403, 403, 403, 200, 404),
    ("use-case-put-into-operation", "post"): _row(401, 404, 200, 403, 403, 403, 200, 404),
    ("use-case-retire", "post"): _row(401, 404, 200, 403, 403, 403, 200, 404),
    ("webhook-list", "get"): BOARD_ONLY_LIST,
    ("webhook-list", "post"): _row(401, 403, 403, 403, 403, 403, 201, 400),
    ("webhook-detail", "get"): BOARD_ONLY_OBJECT,
    ("webhook-detail", "put"): BOARD_ONLY_OBJECT,
    ("webhook-detail", "patch"): BOARD_ONLY_OBJECT,
    ("webhook-detail", "delete"): _row(401, 404, 404, 404, 404, 404, 204, 404),
    ("webhook-deliveries", "get"): BOARD_ONLY_OBJECT,
    ("webhook-rotate-secret", "post"): BOARD_ONLY_OBJECT,
    ("webhook-replay-delivery", "post"): _row(401, 404, 404, 404, 404, 404, 202, 404),
    # Incidents: the department and the board keep them, the auditor reads, the DPO reads those
    # with personal data (the world's incident has them); another department sees nothing.
    # A use case of another organisation, named in the body, is unknown (400 on the field).
    ("incident-list", "get"): LIST_OK,
    ("incident-list", "post"): _row(401, 400, 201, 403, 403, 403, 201, 400),
    ("incident-detail", "get"): _row(401, 404, 200, 404, 200, 200, 200, 404),
    ("incident-reports", "post"): _row(401, 404, 201, 404, 403, 403, 201, 404),
    ("objection-list", "get"): LIST_OK,
    ("objection-list", "post"): _row(401, 400, 201, 403, 403, 403, 201, 400),
    ("objection-detail", "get"): _row(401, 404, 200, 404, 404, 200, 200, 404),
    ("objection-decide", "post"): _row(401, 404, 200, 404, 404, 403, 200, 404),
    # Documents of the head's use case: everyone who sees it reads them; who may change it uploads.
    # A target the caller cannot see, named in the body, is unknown (400 on target_id).
    ("document-list", "get"): LIST_OK,
    ("document-list", "post"): _row(401, 400, 201, 403, 403, 403, 201, 400),
    ("document-detail", "get"): ORG_READ,
    ("document-versions", "post"): _row(401, 404, 201, 403, 403, 403, 201, 404),
    ("document-version-file", "get"): ORG_READ,
    # Outcomes (portfolio): the board and the head of the use case's department see and record
    # them, the auditor reads them; others of the organisation see the use case but may not
    # measure it (403 on writes).
    ("outcome-measurement-list", "get"): LIST_OK,
    ("outcome-measurement-list", "post"): _row(401, 404, 201, 403, 403, 403, 201, 404),
    ("outcome-measurement-detail", "get"): _row(401, 404, 200, 404, 404, 200, 200, 404),
    # Corrections: the board and the use case's department head; internal audit only reads.
    ("outcome-measurement-detail", "patch"): _row(401, 404, 200, 404, 404, 403, 200, 404),
    ("outcome-measurement-history", "get"): _row(401, 404, 200, 404, 404, 200, 200, 404),
    ("portfolio-candidate-list", "get"): BOARD_AND_AUDIT_OBJECT,
    ("public-outcome-list", "get"): PUBLIC_OK,
    # Maturity (the maturity pages' rules): the board and the auditor see everything of their
    # organisation; the other department head, named to answer the readiness questionnaire, its
    # latest assessment.
    ("maturity-questionnaires", "get"): LIST_OK,
    ("maturity-readiness-assessment-list", "get"): LIST_OK,
    ("maturity-readiness-assessment-detail", "get"): _row(401, 404, 404, 200, 404, 200, 200, 404),
    ("maturity-service-assessment-list", "get"): LIST_OK,
    ("maturity-service-assessment-detail", "get"): BOARD_AND_AUDIT_OBJECT,
    ("maturity-measure-list", "get"): LIST_OK,
    # Measures are the board's; an organisation whose maturity pages the caller cannot open is
    # unknown (400 on the field), the named answerer and the auditor may open them but not plan
    # (403).
    ("maturity-measure-list", "post"): _row(401, 400, 400, 403, 400, 403, 201, 400),
    ("maturity-measure-detail", "get"): BOARD_AND_AUDIT_OBJECT,
    ("maturity-measure-detail", "patch"): _row(401, 404, 404, 404, 404, 403, 200, 404),
}
# Uploads are multipart bodies, not JSON.
MULTIPART = {("document-list", "post"), ("document-versions", "post")}


def test_every_api_operation_has_an_entry():
    assert set(api_operations()) == set(EXPECTED)


@pytest.fixture
def world(request, use_case, ai_system, board_member, department, organisation):
    """The records the matrix acts on, in the department head's organisation."""
    endpoint = endpoints.create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url="http://127.0.0.1:9/hook",
        events=["use_case.changed"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="use_case.changed",
        event_id="00000000-0000-0000-0000-000000000001",
        use_case_pk=use_case.pk,
        payload={"id": "x"},
    )
    publish_use_case(use_case, actor=board_member, reason="veröffentlicht")
    maturity = maturity_world(request, organisation, board_member)
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and (callspec.params.get("name"), callspec.params.get("method")) == (
        "use-case-detail",
        "delete",
    ):
        # Documents, incidents and objections keep their use case from being deleted
        # (tests/incidents, tests/evidence); the delete row is about who may delete.
        return {
            "document": None,
            "measurement": None,
            "incident": None,
            "objection": None,
            "use_case": use_case,
            "ai_system": ai_system,
            "department": department,
            "organisation": organisation,
            "endpoint": endpoint,
            "delivery": delivery,
            **maturity,
        }
    from incidents import services as incident_services

    incident = incident_services.record_incident(
        use_case,
        actor=board_member,
        title="Datenpanne",
        description="Bescheide an falsche Empfänger.",
        aware_at=timezone.now() - datetime.timedelta(hours=1),
        personal_data_involved=True,
    )
    objection = incident_services.record_objection(
        use_case,
        actor=board_member,
        channel="letter",
        received_at=timezone.now(),
        contact={"statement": "Bitte prüfen"},
    )
    document = attach(request.getfixturevalue("department_head"), "use_case", use_case.pk)
    measurement = portfolio_services.record_measurement(
        use_case,
        actor=board_member,
        indicator="processing_time",
        phase="baseline",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        value="30",
        source="Fachverfahren",
    )
    return {
        "document": document,
        "measurement": measurement,
        "incident": incident,
        "objection": objection,
        "use_case": use_case,
        "ai_system": ai_system,
        "department": department,
        "organisation": organisation,
        "endpoint": endpoint,
        "delivery": delivery,
        **maturity,
    }


def maturity_world(request: Any, organisation: Any, board_member: Any) -> dict[str, Any]:
    """A readiness and a service assessment and a measure; the other head named for readiness."""
    maturity_services.nominate_answerer(
        organisation,
        user=request.getfixturevalue("other_department_head"),
        scope="readiness",
        actor=board_member,
        reason="Matrix",
    )
    readiness = maturity_services.record_readiness_assessment(
        organisation,
        answers={q.key: 2 for q in READINESS_QUESTIONS},
        actor=board_member,
    )
    service = maturity_services.record_service_assessment(
        organisation,
        leika_key="99107002000000",
        answers={c.key: 3 for c in ASKED_CRITERIA},
        use_case_support={},
        actor=board_member,
    )
    measure = maturity_services.create_measure(
        organisation,
        actor=board_member,
        reason="Matrix",
        dimension="process_clarity",
        title="Prozesse modellieren",
        owner_role="Hauptamt",
        due_date=datetime.date(2027, 5, 1),
    )
    return {"readiness": readiness, "service_assessment": service, "maturity_measure": measure}


def prepare_workflow(operation: str, world: dict[str, Any], request: Any) -> None:
    """Bring the use case into the state in which the action is possible at all."""
    from governance import services as governance

    head = request.getfixturevalue("department_head")
    board = request.getfixturevalue("board_member")
    use_case = world["use_case"]
    # Personal data: the DPO's sign-off is required, so the DPO column means something.
    governance.change_use_case(use_case, actor=head, reason="Daten", processes_personal_data=True)
    governance.classify_use_case(use_case, actor=head, facts={"is_ai_system": True})
    if operation == "use-case-submit":
        return
    governance.submit_use_case(use_case, actor=head)
    if operation == "use-case-sign-off":
        return
    iso = request.getfixturevalue("iso")
    for role, reviewer in (("dpo", request.getfixturevalue("dpo")), ("iso", iso)):
        governance.sign_off_use_case(use_case, actor=reviewer, role=role, verdict="agree")
    if operation == "use-case-decide":
        return
    governance.decide_use_case(use_case, actor=board, outcome="approved", rationale="passt")
    if operation == "use-case-put-into-operation":
        return
    governance.put_into_operation(use_case, actor=board, reason="Start")


def operation_request(name: str, method: str, world: dict[str, Any]) -> tuple[str, Any]:
    """Path and body of one operation."""
    uc, ai, ep = world["use_case"].pk, world["ai_system"].pk, world["endpoint"].pk
    doc = world["document"].pk if world["document"] else 0
    inc = world["incident"].pk if world["incident"] else 0
    obj = world["objection"].pk if world["objection"] else 0
    upload = {"evidence_date": "2026-11-02", "reason": "Matrix"}
    measured = world["measurement"].pk if world["measurement"] else 0
    slug = world["organisation"].slug
    bodies: dict[tuple[str, str], tuple[str, Any]] = {
        ("risk-classification", "post"): ("/api/v1/risk-classification/", {"is_ai_system": True}),
        ("public-use-case-list", "get"): ("/api/v1/public/use-cases/", None),
        ("log-keys", "get"): ("/api/v1/public/log/keys/", None),
        ("log-heads", "get"): (f"/api/v1/public/log/{world['organisation'].slug}/heads/", None),
        ("log-consistency", "get"): (
            f"/api/v1/public/log/{world['organisation'].slug}/consistency/?first=1&second=1",
            None,
        ),
        ("log-inclusion", "get"): (f"/api/v1/public/use-cases/{uc}/log-proofs/", None),
        ("v2-log-inclusion", "get"): (f"/api/v2/public/use-cases/{uc}/log-proofs/", None),
        ("public-use-case-detail", "get"): (f"/api/v1/public/use-cases/{uc}/", None),
        ("public-use-case-changes", "get"): (f"/api/v1/public/use-cases/{uc}/changes/", None),
        ("v2-public-use-case-list", "get"): ("/api/v2/public/use-cases/", None),
        ("v2-public-use-case-detail", "get"): (f"/api/v2/public/use-cases/{uc}/", None),
        ("v2-public-use-case-changes", "get"): (f"/api/v2/public/use-cases/{uc}/changes/", None),
        ("organisation-list", "get"): ("/api/v1/organisations/", None),
        ("organisation-detail", "get"): (
            f"/api/v1/organisations/{world['organisation'].pk}/",
            None,
        ),
        ("department-list", "get"): ("/api/v1/departments/", None),
        ("department-detail", "get"): (f"/api/v1/departments/{world['department'].pk}/", None),
        ("ai-system-list", "get"): ("/api/v1/ai-systems/", None),
        ("ai-system-list", "post"): (
            "/api/v1/ai-systems/",
            {
                "organisation": world["organisation"].pk,
                "name": "Neues System",
                "technique": "rule_based",
                "hosting": "own_data_centre",
            },
        ),
        ("ai-system-detail", "get"): (f"/api/v1/ai-systems/{ai}/", None),
        ("ai-system-detail", "put"): (
            f"/api/v1/ai-systems/{ai}/",
            {"name": "Umbenannt", "technique": "hybrid", "hosting": "eu_cloud", "reason": "neu"},
        ),
        ("ai-system-detail", "patch"): (
            f"/api/v1/ai-systems/{ai}/",
            {"vendor": "X", "reason": "neu"},
        ),
        ("use-case-list", "get"): ("/api/v1/use-cases/", None),
        ("use-case-export", "get"): ("/api/v1/use-cases/export/", None),
        ("use-case-list", "post"): (
            "/api/v1/use-cases/",
            {
                "department": world["department"].pk,
                "title": "Neu",
                "short_description": "Kurz.",
                "purpose": "Zweck.",
                "responsible_role": "Amtsleitung",
            },
        ),
        ("use-case-detail", "get"): (f"/api/v1/use-cases/{uc}/", None),
        ("use-case-detail", "put"): (
            f"/api/v1/use-cases/{uc}/",
            {
                "department": world["department"].pk,
                "title": "Ersetzt",
                "short_description": "Kurz.",
                "purpose": "Zweck.",
                "responsible_role": "Amtsleitung",
                "reason": "Matrix",
            },
        ),
        ("use-case-detail", "patch"): (
            f"/api/v1/use-cases/{uc}/",
            {"title": "Neu", "reason": "Matrix"},
        ),
        ("use-case-detail", "delete"): (f"/api/v1/use-cases/{uc}/?reason=doppelt", None),
        ("use-case-history", "get"): (f"/api/v1/use-cases/{uc}/history/", None),
        ("use-case-submit", "post"): (f"/api/v1/use-cases/{uc}/submit/", {"note": "bitte prüfen"}),
        ("use-case-sign-off", "post"): (
            f"/api/v1/use-cases/{uc}/sign-off/",
            {"role": "dpo", "verdict": "agree"},
        ),
        ("use-case-decide", "post"): (
            f"/api/v1/use-cases/{uc}/decide/",
            {"outcome": "changes_requested", "rationale": "Bitte ergänzen"},
        ),
        ("use-case-put-into-operation", "post"): (
            f"/api/v1/use-cases/{uc}/put-into-operation/",
            {"reason": "Start"},
        ),
        ("use-case-retire", "post"): (f"/api/v1/use-cases/{uc}/retire/", {"reason": "Ende"}),
        ("webhook-list", "get"): ("/api/v1/webhooks/", None),
        ("webhook-list", "post"): (
            "/api/v1/webhooks/",
            {
                "organisation": world["organisation"].pk,
                "url": "http://127.0.0.1:9/other",
                "events": ["use_case.created"],
            },
        ),
        ("webhook-detail", "get"): (f"/api/v1/webhooks/{ep}/", None),
        ("webhook-detail", "put"): (
            f"/api/v1/webhooks/{ep}/",
            {"url": "http://127.0.0.1:9/put", "events": ["use_case.created"]},
        ),
        ("webhook-detail", "patch"): (f"/api/v1/webhooks/{ep}/", {"is_active": False}),
        ("webhook-detail", "delete"): (f"/api/v1/webhooks/{ep}/", None),
        ("webhook-deliveries", "get"): (f"/api/v1/webhooks/{ep}/deliveries/", None),
        ("webhook-rotate-secret", "post"): (f"/api/v1/webhooks/{ep}/rotate-secret/", None),
        ("incident-list", "get"): ("/api/v1/incidents/", None),
        ("incident-list", "post"): (
            "/api/v1/incidents/",
            {
                "use_case": world["use_case"].pk,
                "title": "Ausfall",
                "description": "Keine Vorschläge.",
                "aware_at": "2026-11-30T08:00:00+01:00",
            },
        ),
        ("incident-detail", "get"): (f"/api/v1/incidents/{inc}/", None),
        ("incident-reports", "post"): (
            f"/api/v1/incidents/{inc}/reports/",
            {"clock": "gdpr_breach", "reported_at": timezone.now().isoformat()},
        ),
        ("objection-list", "get"): ("/api/v1/objections/", None),
        ("objection-list", "post"): (
            "/api/v1/objections/",
            {
                "use_case": world["use_case"].pk,
                "channel": "phone",
                "received_at": "2026-11-30T08:00:00+01:00",
                "statement": "Bitte prüfen.",
            },
        ),
        ("objection-detail", "get"): (f"/api/v1/objections/{obj}/", None),
        ("objection-decide", "post"): (
            f"/api/v1/objections/{obj}/decide/",
            {"outcome": "upheld", "note": "geprüft", "human_review_done": True},
        ),
        ("webhook-replay-delivery", "post"): (
            f"/api/v1/webhooks/{ep}/deliveries/{world['delivery'].pk}/replay/",
            None,
        ),
        ("document-list", "get"): ("/api/v1/documents/", None),
        ("document-list", "post"): (
            "/api/v1/documents/",
            {
                **upload,
                "file": files.upload(files.pdf()),
                "target_kind": "use_case",
                "target_id": uc,
                "title": "DSFA",
                "category": "dpia",
            },
        ),
        ("document-detail", "get"): (f"/api/v1/documents/{doc}/", None),
        ("document-versions", "post"): (
            f"/api/v1/documents/{doc}/versions/",
            {**upload, "file": files.upload(files.png(), "scan.png")},
        ),
        ("document-version-file", "get"): (f"/api/v1/documents/{doc}/versions/1/file/", None),
        ("outcome-measurement-list", "get"): ("/api/v1/outcome-measurements/", None),
        ("outcome-measurement-list", "post"): (
            "/api/v1/outcome-measurements/",
            {
                "use_case": uc,
                "indicator": "follow_up_rate",
                "phase": "baseline",
                "period_start": "2026-04-01",
                "period_end": "2026-06-30",
                "value": "1.4",
                "source": "Stichprobe",
            },
        ),
        ("outcome-measurement-detail", "get"): (f"/api/v1/outcome-measurements/{measured}/", None),
        ("outcome-measurement-detail", "patch"): (
            f"/api/v1/outcome-measurements/{measured}/",
            {"value": "2.5", "reason": "Matrix"},
        ),
        ("outcome-measurement-history", "get"): (
            f"/api/v1/outcome-measurements/{measured}/history/",
            None,
        ),
        ("portfolio-candidate-list", "get"): (
            f"/api/v1/portfolio/{slug}/candidates/",
            None,
        ),
        ("public-outcome-list", "get"): ("/api/v1/public/outcomes/", None),
        ("maturity-questionnaires", "get"): ("/api/v1/maturity/questionnaires/", None),
        ("maturity-readiness-assessment-list", "get"): (
            "/api/v1/maturity/readiness-assessments/",
            None,
        ),
        ("maturity-readiness-assessment-detail", "get"): (
            f"/api/v1/maturity/readiness-assessments/{world['readiness'].pk}/",
            None,
        ),
        ("maturity-service-assessment-list", "get"): (
            "/api/v1/maturity/service-assessments/",
            None,
        ),
        ("maturity-service-assessment-detail", "get"): (
            f"/api/v1/maturity/service-assessments/{world['service_assessment'].pk}/",
            None,
        ),
        ("maturity-measure-list", "get"): ("/api/v1/maturity/measures/", None),
        ("maturity-measure-list", "post"): (
            "/api/v1/maturity/measures/",
            {
                "organisation": slug,
                "dimension": "data_availability",
                "title": "Register anbinden",
                "owner_role": "IT-Leitung",
                "due_date": "2027-03-31",
                "reason": "Matrix",
            },
        ),
        ("maturity-measure-detail", "get"): (
            f"/api/v1/maturity/measures/{world['maturity_measure'].pk}/",
            None,
        ),
        ("maturity-measure-detail", "patch"): (
            f"/api/v1/maturity/measures/{world['maturity_measure'].pk}/",
            {"status": "in_progress", "reason": "Matrix"},
        ),
    }
    return bodies[(name, method)]


CELLS = [
    (name, method, persona)
    for (name, method), row in sorted(EXPECTED.items())
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "method", "persona"), CELLS)
def test_api_answers_each_persona_as_the_table_says(request, world, name, method, persona):
    if name.startswith("use-case-") and name not in {
        "use-case-list",
        "use-case-export",
        "use-case-detail",
        "use-case-history",
    }:
        prepare_workflow(name, world, request)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    path, body = operation_request(name, method, world)
    client = ApiClient(user)
    # The version the board reads: a persona allowed to write must name it (If-Match: * is refused).
    etag = (
        ApiClient(request.getfixturevalue("board_member")).get(path).get("ETag", '"none"')
        if method in WRITES
        else ""
    )
    if (name, method) in MULTIPART:
        response = client.client.post(path, body)
    else:
        response = client.request(method.upper(), path, body, if_match=etag)
    assert response.status_code == EXPECTED[(name, method)][persona], response.content
