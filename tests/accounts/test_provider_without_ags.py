"""An IT service provider (a Zweckverband, an Anstalt) is no Gemeinde and has no AGS: it can be
created without one, in the services and in the admin; every other organisation still needs its
AGS, and the refusal names the field and changes nothing."""

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services
from accounts.models import Organisation, User

PROVIDER = Organisation.Kind.IT_SERVICE_PROVIDER


def _provider(slug: str, ags: str | None = "") -> Organisation:
    return services.create_organisation(
        name=f"Zweckverband {slug}", slug=slug, ags=ags, kind=PROVIDER, actor=None, reason="Test"
    )


def test_a_provider_is_created_without_an_ags(db: Any) -> None:
    first = _provider("kdn")
    second = _provider("ekom", ags=None)
    for provider in (first, second):
        provider.refresh_from_db()
        assert provider.ags is None
    # Two providers without an AGS are no duplicate; each has its own groups.
    groups = {first.board_group.name, first.members_group.name, second.board_group.name}
    assert len(groups) == 3
    assert all(name.startswith("org:provider-") for name in groups)
    department = services.create_department(
        organisation=first, name="Produkte", actor=None, reason="Test"
    )
    prefix = first.board_group.name.removesuffix(":board")
    assert department.heads_group.name.startswith(f"{prefix}:dept:")
    assert first.history.latest().history_change_reason == "Test"


def test_a_municipality_without_an_ags_is_refused_naming_the_field(db: Any) -> None:
    before = (Organisation.objects.count(), Group.objects.count())
    for ags in ("", None):
        with pytest.raises(ValidationError) as refused:
            services.create_organisation(
                name="Stadt Ohne", slug="ohne", ags=ags, actor=None, reason="Test"
            )
        assert "Amtlichen Gemeindeschlüssel" in refused.value.message_dict["ags"][0]
    assert (Organisation.objects.count(), Group.objects.count()) == before


def test_a_municipality_cannot_lose_its_ags_nor_a_provider_without_one_become_one(
    organisation: Organisation,
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.update_organisation(organisation, actor=None, reason="Test", ags="")
    assert "ags" in refused.value.message_dict
    provider = _provider("kdn")
    with pytest.raises(ValidationError) as refused:
        services.update_organisation(
            provider, actor=None, reason="Test", kind=Organisation.Kind.MUNICIPALITY
        )
    assert "ags" in refused.value.message_dict
    organisation.refresh_from_db()
    provider.refresh_from_db()
    assert (organisation.ags, provider.kind) == ("05999001", PROVIDER)


def test_the_database_refuses_a_municipality_without_an_ags(organisation: Organisation) -> None:
    # The rule holds below the services too (a script, a future code path); rolled back.
    organisation.ags = None
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.save()


# -- the admin ------------------------------------------------------------------------------------


def _add_form(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Kommunale Datenverarbeitung",
        "slug": "kdv",
        "ags": "",
        "legal_form": Organisation.LegalForm.BODY_GOVERNED_BY_PUBLIC_LAW,
        "kind": PROVIDER,
        "contact_email": "",
        "website": "",
        "review_interval_high_risk_months": 12,
        "review_interval_default_months": 24,
        **fields,
    }


def test_the_operator_adds_a_provider_without_an_ags_in_the_admin(client: Any, db: Any) -> None:
    operator = User.objects.create_superuser("operator", "op@x.example", "pw")
    client.force_login(operator)
    added = client.post(reverse("admin:accounts_organisation_add"), _add_form())
    assert added.status_code == 302, added.context and added.context["adminform"].form.errors
    provider = Organisation.objects.get(slug="kdv")
    assert (provider.ags, provider.kind) == (None, PROVIDER)
    assert provider.history.latest().history_user == operator


def test_a_municipality_without_an_ags_in_the_admin_is_a_german_error(client: Any, db: Any) -> None:
    client.force_login(User.objects.create_superuser("operator", "op@x.example", "pw"))
    refused = client.post(
        reverse("admin:accounts_organisation_add"),
        _add_form(kind=Organisation.Kind.MUNICIPALITY, legal_form="public_authority"),
    )
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert "nur ein IT-Dienstleister" in errors["ags"][0]
    assert not Organisation.objects.filter(slug="kdv").exists()
