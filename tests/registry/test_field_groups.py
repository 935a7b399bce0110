"""Every field of a use case sits in one group, and the admin and the guided form show it there."""

from collections import Counter

from django.contrib import admin
from django.test import RequestFactory

from registry.field_groups import FIELD_GROUPS
from registry.models import UseCase
from registry.services import CHILD_MODELS, EDITABLE_USE_CASE_FIELDS
from workspace.help_texts import HELP
from workspace.steps import STEPS


def _grouped_fields() -> Counter[str]:
    return Counter(name for group in FIELD_GROUPS for name in group.fields)


def test_every_editable_field_sits_in_exactly_one_group():
    grouped = _grouped_fields()
    assert not EDITABLE_USE_CASE_FIELDS - set(grouped)
    assert [name for name, count in grouped.items() if count > 1] == []


def test_groups_name_only_fields_of_a_use_case_and_show_the_others_as_derived():
    model_fields = {field.name for field in UseCase._meta.concrete_fields}
    derived = {name for group in FIELD_GROUPS for name in group.derived}
    assert set(_grouped_fields()) <= model_fields
    # The workflow state is shown beside the basic data but only the workflow changes it.
    assert set(_grouped_fields()) - EDITABLE_USE_CASE_FIELDS <= derived


def test_every_child_kind_sits_in_exactly_one_group():
    children = Counter(key for group in FIELD_GROUPS for key in group.children)
    assert set(children) == set(CHILD_MODELS)
    assert [key for key, count in children.items() if count > 1] == []


def test_derived_fields_are_fields_of_their_group():
    for group in FIELD_GROUPS:
        assert set(group.derived) <= set(group.fields), group.slug


def test_every_group_is_one_step_of_the_guided_form_with_its_fields():
    assert [step.slug for step in STEPS] == [group.slug for group in FIELD_GROUPS]
    for step, group in zip(STEPS, FIELD_GROUPS, strict=True):
        assert step.title == group.title
        assert step.fields == group.guided_fields
        assert step.children == group.children


def test_every_editable_field_but_the_derived_ones_is_in_exactly_one_step():
    in_steps = Counter(name for step in STEPS for name in step.fields)
    derived = {name for group in FIELD_GROUPS for name in group.derived}
    assert set(in_steps) == EDITABLE_USE_CASE_FIELDS - derived
    assert [name for name, count in in_steps.items() if count > 1] == []


def test_every_field_of_the_guided_form_has_plain_language_help():
    assert [name for step in STEPS for name in step.fields if name not in HELP] == []


def test_the_admin_shows_every_editable_field_once_and_every_child_kind_inline(admin_user):
    model_admin = admin.site._registry[UseCase]
    request = RequestFactory().get("/")
    request.user = admin_user
    shown = Counter(
        name
        for _title, options in model_admin.get_fieldsets(request, None)
        for name in options["fields"]
    )
    assert not EDITABLE_USE_CASE_FIELDS - set(shown)
    assert [name for name, count in shown.items() if count > 1] == []
    inline_models = {inline.model for inline in model_admin.inlines}
    assert set(CHILD_MODELS.values()) <= inline_models
