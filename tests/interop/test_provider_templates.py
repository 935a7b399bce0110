"""IT service providers' templates: the operator makes municipalities members of a provider, the
provider's staff write and publish templates, member municipalities adopt them with one click
and hear of changes; nobody else sees an unpublished template, and no template counts as a
deployed use case."""

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Department, Membership, Organisation, ProviderMembership, User
from governance import versions
from interop import changes, selectors
from interop.exports import FORMATS
from interop.exports.base import ExportContext
from interop.models import Adoption, UseCaseTemplate
from interop.services import (
    adopt_template,
    create_template,
    publish_template,
    take_over_source_changes,
    update_template,
    withdraw_template,
)
from registry.models import PublishedUseCase, UseCase, WebhookDelivery
from registry.publication import publish_use_case
from registry.webhooks.endpoints import create_webhook_endpoint
from tests.conftest import make_person

CONTENT: dict[str, Any] = {
    "short_description": "Eingehende Post wird dem zuständigen Fachbereich vorgeschlagen.",
    "purpose": "Schnellere Zuordnung der Eingangspost.",
    "responsible_role": "Leitung Poststelle",
    "benefit": "Weniger Irrläufer",
    "oversight_mode": UseCase.OversightMode.HUMAN_IN_THE_LOOP,
    "product_url": "https://produkt-x.example/",
}


@pytest.fixture
def provider(db: Any) -> Organisation:
    return account_services.create_organisation(
        name="Kommunale IT Süd",
        slug="kit-sued",
        ags="",  # a Zweckverband has no Gemeindeschlüssel
        kind=Organisation.Kind.IT_SERVICE_PROVIDER,
        actor=None,
        reason="Testdaten",
    )


@pytest.fixture
def provider_staff(provider: Organisation) -> User:
    products = account_services.create_department(
        organisation=provider, name="Produkte", actor=None, reason="Testdaten"
    )
    return make_person("provider_head", provider, Membership.Role.DEPARTMENT_HEAD, (products,))


@pytest.fixture
def operator(db: Any) -> User:
    return User.objects.create_superuser("operator", "op@x.example", "pw")


@pytest.fixture
def membership(provider: Organisation, organisation: Organisation, operator: User) -> Any:
    # Lindenfeld is a member; Birkenau (other_organisation) is not.
    return account_services.add_provider_member(
        provider, organisation=organisation, actor=operator, reason="Vertrag 2026"
    )


@pytest.fixture
def draft(provider: Organisation, provider_staff: User, membership: Any) -> UseCaseTemplate:
    return create_template(
        actor=provider_staff,
        provider=provider,
        title="KI-Posteingang im Produkt X",
        content=dict(CONTENT),
        legal_bases=[{"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e", "url": ""}],
        public_services=[{"leika_key": "99102011000000", "name": "Post"}],
    )


@pytest.fixture
def template(draft: UseCaseTemplate, provider_staff: User) -> UseCaseTemplate:
    publish_template(draft, actor=provider_staff)
    draft.refresh_from_db()
    return draft


# -- memberships -------------------------------------------------------------------------------


def test_membership_is_recorded_with_actor_and_reason(membership, operator):
    row = membership.history.get()
    assert row.history_user == operator
    assert row.history_change_reason == "Vertrag 2026"


def test_only_a_provider_takes_members_and_only_municipalities_join(
    provider, organisation, other_organisation
):
    with pytest.raises(ValidationError) as error:
        account_services.add_provider_member(
            other_organisation, organisation=organisation, actor=None, reason="x"
        )
    assert "provider" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        account_services.add_provider_member(
            provider, organisation=provider, actor=None, reason="x"
        )
    assert "organisation" in error.value.message_dict
    assert not ProviderMembership.objects.exists()


def test_a_membership_needs_a_reason(provider, organisation):
    with pytest.raises(ValidationError) as error:
        account_services.add_provider_member(
            provider, organisation=organisation, actor=None, reason=" "
        )
    assert "reason" in error.value.message_dict


def test_a_provider_with_members_keeps_its_kind(provider, membership):
    with pytest.raises(ValidationError) as error:
        account_services.update_organisation(
            provider, actor=None, reason="x", kind=Organisation.Kind.MUNICIPALITY
        )
    assert "kind" in error.value.message_dict
    provider.refresh_from_db()
    assert provider.kind == Organisation.Kind.IT_SERVICE_PROVIDER


def test_ending_a_membership_keeps_the_adopted_use_case_and_its_note(
    template, membership, department_head, department, operator
):
    use_case = adopt_template(template, actor=department_head, department=department)
    account_services.remove_provider_member(membership, actor=operator, reason="gekündigt")
    assert Adoption.objects.get(use_case=use_case).template == template
    assert not selectors.templates_offered_to(department_head).exists()


# -- writing and publishing templates ----------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["department_head", "board_member", "foreign_board_member", "outsider"]
)
def test_only_the_providers_staff_write_its_templates(request, persona, provider, membership):
    with pytest.raises(PermissionDenied):
        create_template(actor=request.getfixturevalue(persona), provider=provider, title="X")
    assert not UseCaseTemplate.objects.exists()


def test_a_template_refuses_bad_values_naming_the_field(provider, provider_staff):
    with pytest.raises(ValidationError) as error:
        create_template(
            actor=provider_staff,
            provider=provider,
            title="X",
            content={"product_url": "kein Link", "dpia_summary": "gehört der Kommune"},
            legal_bases=[{"law": "DSGVO"}],
        )
    assert set(error.value.message_dict) == {"product_url", "dpia_summary", "legal_bases"}
    assert not UseCaseTemplate.objects.exists()


def test_publishing_needs_what_an_adopted_use_case_needs(provider, provider_staff):
    bare = create_template(actor=provider_staff, provider=provider, title="Leer")
    with pytest.raises(ValidationError) as error:
        publish_template(bare, actor=provider_staff)
    assert set(error.value.message_dict) == {"short_description", "purpose", "responsible_role"}
    bare.refresh_from_db()
    assert bare.state == UseCaseTemplate.State.DRAFT


def test_a_stale_edit_is_refused_and_changes_nothing(draft, provider_staff):
    version = selectors.template_version(draft)
    update_template(draft, actor=provider_staff, expected_version=version, title="Neu")
    with pytest.raises(ValidationError):
        update_template(draft, actor=provider_staff, expected_version=version, title="Alt")
    draft.refresh_from_db()
    assert draft.title == "Neu"


def test_a_template_is_no_use_case_of_the_register(template, provider):
    # Nothing deployed: no use case, no public entry, in no standard's export.
    assert not UseCase.objects.filter(organisation=provider).exists()
    assert not PublishedUseCase.objects.exists()
    context = ExportContext(site_url="https://ki.example/")
    for export_format in FORMATS.values():
        assert template.title not in "".join(export_format.write(context))


# -- adopting ----------------------------------------------------------------------------------


def test_adopting_creates_a_draft_with_the_templates_facts_and_provenance(
    template, department_head, department, provider
):
    use_case = adopt_template(template, actor=department_head, department=department)
    assert use_case.organisation == department.organisation
    assert use_case.workflow_state == UseCase.WorkflowState.DRAFT
    assert use_case.title == "KI-Posteingang im Produkt X"
    assert use_case.benefit == "Weniger Irrläufer"
    assert use_case.product_url == "https://produkt-x.example/"
    assert [b.law for b in use_case.legal_bases.all()] == ["DSGVO"]
    assert [s.leika_key for s in use_case.public_services.all()] == ["99102011000000"]
    adoption = Adoption.objects.get(use_case=use_case)
    assert adoption.template == template
    assert adoption.source is None
    assert adoption.source_organisation == provider
    assert adoption.source_version_at == template.published_at
    reason = use_case.history.earliest().history_change_reason
    assert reason.startswith(
        "Nachnutzung der Vorlage „KI-Posteingang im Produkt X“ des IT-Dienstleisters "
        "Kommunale IT Süd, Fassung vom"
    )


def test_a_non_member_cannot_adopt(template, foreign_department_head, foreign_department):
    with pytest.raises(ValidationError) as error:
        adopt_template(template, actor=foreign_department_head, department=foreign_department)
    assert "department" in error.value.message_dict
    assert not Adoption.objects.exists()


def test_an_unpublished_template_cannot_be_adopted(draft, department_head, department):
    with pytest.raises(ValidationError):
        adopt_template(draft, actor=department_head, department=department)
    assert not Adoption.objects.exists()


def test_provenance_shows_on_the_adopters_page_and_the_template_lists_the_adopter(
    client, template, department_head, department, board_member
):
    use_case = adopt_template(template, actor=department_head, department=department)
    page = client.get(reverse("interop:public_template", args=[template.pk])).content.decode()
    # An adopted draft is not public: the template names no adopter yet.
    assert "Stadt Lindenfeld" not in page
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    adopter = client.get(reverse("registry:use_case", args=[use_case.pk])).content.decode()
    assert (
        "Nachgenutzt von der Vorlage „KI-Posteingang im Produkt X“ des IT-Dienstleisters "
        "Kommunale IT Süd, Fassung vom"
    ) in adopter
    assert reverse("interop:public_template", args=[template.pk]) in adopter
    page = client.get(reverse("interop:public_template", args=[template.pk])).content.decode()
    assert "Vorlage von Kommunale IT Süd" in page
    assert reverse("registry:organisation", args=["lindenfeld"]) in page


# -- changes of a template ---------------------------------------------------------------------


@pytest.fixture
def adopted(template: UseCaseTemplate, department_head: User, department: Department) -> UseCase:
    return adopt_template(template, actor=department_head, department=department)


def _change(template: UseCaseTemplate, actor: User, **content: Any) -> None:
    template.refresh_from_db()
    update_template(
        template,
        actor=actor,
        expected_version=selectors.template_version(template),
        content={**template.content, **content},
    )


def test_a_changed_template_tells_adopters_once_with_the_difference(
    adopted, template, provider_staff, board_member, department_head
):
    assert not changes.changed_adoptions().exists()
    create_webhook_endpoint(
        actor=board_member,
        organisation=adopted.organisation,
        url="http://127.0.0.1:9/h",
        events=["use_case.source_changed"],
    )
    _change(template, provider_staff, benefit="Keine Irrläufer mehr")
    adoption = Adoption.objects.get(use_case=adopted)
    [change] = changes.source_changes(adoption)
    assert (change.name, change.old, change.new) == (
        "benefit",
        "Weniger Irrläufer",
        "Keine Irrläufer mehr",
    )
    mail.outbox.clear()
    assert changes.notify_adopters() == 1
    assert changes.notify_adopters() == 0
    [message] = [m for m in mail.outbox if "Vorlage" in m.subject]
    assert message.to == [department_head.email]
    assert "Keine Irrläufer mehr" in message.body
    [delivery] = WebhookDelivery.objects.filter(event="use_case.source_changed")
    assert delivery.payload["subject"]["kind"] == "template"
    assert delivery.payload["subject"]["id"] == template.pk
    assert delivery.payload["changed_fields"] == ["benefit"]


def test_taking_over_a_templates_change(adopted, template, provider_staff, department_head):
    _change(template, provider_staff, benefit="Keine Irrläufer mehr", purpose="Neu")
    take_over_source_changes(
        Adoption.objects.get(use_case=adopted),
        actor=department_head,
        fields=["benefit"],
        expected_version=versions.use_case_version(adopted.pk),
    )
    adopted.refresh_from_db()
    assert adopted.benefit == "Keine Irrläufer mehr"
    assert adopted.purpose == CONTENT["purpose"]
    assert not changes.changed_adoptions().exists()


def test_a_withdrawn_template_tells_nothing_and_is_no_longer_offered(
    adopted, template, provider_staff, department_head
):
    _change(template, provider_staff, benefit="Anders")
    withdraw_template(template, actor=provider_staff, reason="Produkt eingestellt")
    assert not changes.changed_adoptions().exists()
    assert not selectors.templates_offered_to(department_head).exists()


# -- pages and who sees what -------------------------------------------------------------------


def test_member_department_heads_see_the_published_templates_in_the_workspace(
    client, template, draft, department_head, provider, provider_staff
):
    unpublished = create_template(actor=provider_staff, provider=provider, title="Geheimentwurf")
    client.force_login(department_head)
    page = client.get(reverse("interop:templates")).content.decode()
    assert "KI-Posteingang im Produkt X" in page
    assert "Geheimentwurf" not in page
    assert reverse("interop:template_adopt", args=[template.pk]) in page
    assert reverse("interop:template", args=[unpublished.pk]) not in page


@pytest.mark.parametrize("persona", ["foreign_department_head", "foreign_board_member", "outsider"])
def test_non_members_see_no_template_of_the_provider(request, client, persona, template):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("interop:templates")).content.decode()
    assert "KI-Posteingang im Produkt X" not in page


@pytest.mark.parametrize(
    "persona",
    ["department_head", "board_member", "foreign_department_head", "outsider", "dpo"],
)
def test_only_the_providers_staff_open_a_template_to_edit(request, client, persona, draft):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("interop:template", args=[draft.pk])).status_code == 404
    assert client.get(reverse("interop:template_create")).status_code == 404


def test_the_providers_staff_edit_and_publish_through_the_page(client, draft, provider_staff):
    client.force_login(provider_staff)
    url = reverse("interop:template", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {**page.context["form"].initial, "action": "save", "title": "KI-Posteingang X"}
    data = {key: "" if value is None else value for key, value in data.items()}
    data["processes_personal_data"] = "on"
    data.pop("processes_special_categories", None)
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "KI-Posteingang X"
    assert draft.content["processes_personal_data"] is True
    assert draft.history.latest().history_user == provider_staff
    assert client.post(url, {"action": "publish"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == UseCaseTemplate.State.PUBLISHED


def test_a_bad_line_is_named_and_nothing_is_saved(client, draft, provider_staff):
    client.force_login(provider_staff)
    url = reverse("interop:template", args=[draft.pk])
    data = {
        **{k: v or "" for k, v in client.get(url).context["form"].initial.items()},
        "action": "save",
        "public_services": "123 | zu kurz",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Zeile 1: LeiKa-Schlüssel" in response.content.decode()
    draft.refresh_from_db()
    assert draft.public_services == [{"leika_key": "99102011000000", "name": "Post"}]


def test_one_click_adopts_into_the_department(client, template, department_head, department):
    client.force_login(department_head)
    response = client.post(
        reverse("interop:template_adopt", args=[template.pk]), {"department": department.pk}
    )
    adoption = Adoption.objects.get(template=template)
    assert response.url == reverse("workspace:detail", args=[adoption.use_case_id])


@pytest.mark.parametrize("persona", ["foreign_department_head", "dpo", "outsider"])
def test_who_may_not_adopt_gets_404_and_nothing_is_created(
    request, client, persona, template, department, foreign_department
):
    client.force_login(request.getfixturevalue(persona))
    for target in (department, foreign_department):
        response = client.post(
            reverse("interop:template_adopt", args=[template.pk]), {"department": target.pk}
        )
        assert response.status_code == 404
    assert not Adoption.objects.exists()


def test_an_unpublished_template_is_404_for_members_and_the_public(client, draft, department_head):
    assert client.get(reverse("interop:public_template", args=[draft.pk])).status_code == 404
    client.force_login(department_head)
    assert client.get(reverse("interop:public_template", args=[draft.pk])).status_code == 404
    response = client.post(reverse("interop:template_adopt", args=[draft.pk]), {"department": 1})
    assert response.status_code == 404


def test_the_workspace_list_query_count_does_not_grow_with_templates(
    client, django_assert_max_num_queries, template, provider, provider_staff, department_head
):
    client.force_login(department_head)
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("interop:templates"))
    for number in range(3):
        extra = create_template(
            actor=provider_staff,
            provider=provider,
            title=f"Vorlage {number}",
            content=dict(CONTENT),
        )
        publish_template(extra, actor=provider_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("interop:templates"))
    assert "Vorlage 2" in page.content.decode()


# -- the operator's admin ----------------------------------------------------------------------


def test_the_operator_adds_a_membership_in_the_admin_with_a_reason(
    client, operator, provider, other_organisation
):
    client.force_login(operator)
    response = client.post(
        reverse("admin:accounts_providermembership_add"),
        {"organisation": other_organisation.pk, "provider": provider.pk, "reason": "Beitritt"},
    )
    assert response.status_code == 302
    membership = ProviderMembership.objects.get()
    assert membership.history.get().history_change_reason == "Beitritt"


def test_a_providers_board_cannot_manage_memberships(client, provider):
    board = make_person("provider_board", provider, Membership.Role.BOARD)
    board.is_staff = True
    board.save()
    client.force_login(board)
    response = client.get(reverse("admin:accounts_providermembership_add"))
    assert response.status_code == 403


# -- the demo ----------------------------------------------------------------------------------


def test_the_demo_has_a_provider_whose_template_birkenau_adopted(db):
    for _run in range(2):  # safe to run again: nothing doubles
        call_command("load_demo", stdout=StringIO())
    template = UseCaseTemplate.objects.get(title="KI-Posteingang im Produkt X")
    assert template.is_published
    assert template.organisation.kind == Organisation.Kind.IT_SERVICE_PROVIDER
    [adoption] = Adoption.objects.filter(template=template)
    assert adoption.use_case.organisation.slug == "birkenau"
    assert ProviderMembership.objects.get().organisation.slug == "birkenau"
