"""Documents attached to an incident: seen by whoever sees the incident (the DPO only those
with personal data), attached by who keeps it, listed on the incident's page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from evidence import permissions, selectors
from incidents.evidence_targets import INCIDENT
from tests.evidence.conftest import attach
from tests.incidents.conftest import make_incident


@pytest.fixture
def incident(use_case, department_head):
    return make_incident(use_case, department_head, personal_data_involved=False)


def test_the_department_head_attaches_a_report_to_the_incident(incident, department_head):
    document = attach(
        department_head,
        INCIDENT,
        incident.pk,
        title="Meldung an die Marktüberwachung",
        category="incident",
    )
    assert (document.target_kind, document.target_id) == (INCIDENT, incident.pk)
    assert document.use_case_id == incident.use_case_id
    assert list(selectors.documents_of_target(department_head, INCIDENT, incident.pk)) == [document]


def test_who_does_not_keep_the_incident_may_not_attach(incident, other_department_head, iso):
    for persona in (other_department_head, iso):
        with pytest.raises((PermissionDenied, Http404)):
            attach(persona, INCIDENT, incident.pk, category="incident")


def test_a_foreign_board_does_not_see_the_incident_or_its_documents(
    incident, department_head, foreign_board_member
):
    document = attach(department_head, INCIDENT, incident.pk, category="incident")
    with pytest.raises(Http404):
        permissions.access_target(foreign_board_member, INCIDENT, incident.pk)
    with pytest.raises(Http404):
        permissions.access_document(foreign_board_member, document.pk)


def test_the_dpo_sees_the_documents_of_incidents_with_personal_data_only(
    use_case, department_head, dpo
):
    without = make_incident(use_case, department_head, personal_data_involved=False)
    with_data = make_incident(use_case, department_head, personal_data_involved=True)
    hidden = attach(department_head, INCIDENT, without.pk, category="incident")
    shown = attach(department_head, INCIDENT, with_data.pk, category="incident")
    visible = set(permissions.documents_visible_to(dpo))
    assert shown in visible and hidden not in visible


def test_the_incident_page_lists_its_documents_and_offers_to_add_one(incident, department_head):
    document = attach(
        department_head, INCIDENT, incident.pk, title="Ursachenanalyse", category="incident"
    )
    client = Client()
    client.force_login(department_head)
    page = client.get(reverse("workspace:incident", args=[incident.pk]))
    assert page.status_code == 200
    assert reverse("evidence:download", args=[document.pk]) in page.content.decode()
    evidence_page = reverse("workspace:evidence", args=[incident.use_case_id])
    add = f"{evidence_page}?target=incident:{incident.pk}"
    assert add in page.content.decode()
    form = client.get(add)
    assert f'<option value="incident:{incident.pk}" selected>' in form.content.decode()


def test_the_public_page_lists_what_the_board_published_and_drops_it_when_withdrawn(
    use_case, department_head, board_member
):
    from evidence import services
    from registry.publication import publish_use_case

    publish_use_case(use_case, actor=board_member, reason="frei")
    document = attach(
        department_head,
        "use_case",
        use_case.pk,
        title="Zusammenfassung der FRIA",
        category="fria_summary",
    )
    page_url = reverse("registry:use_case", args=[use_case.pk])
    public = Client()
    assert "Zusammenfassung der FRIA" not in public.get(page_url).content.decode()

    services.publish_document(document, actor=board_member, reason="Anhang VIII")
    page = public.get(page_url).content.decode()
    assert "Zusammenfassung der FRIA" in page
    assert reverse("evidence:public-download", args=[document.pk]) in page

    services.withdraw_document(document, actor=board_member, reason="ersetzt")
    assert "Zusammenfassung der FRIA" not in public.get(page_url).content.decode()
