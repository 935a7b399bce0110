"""The selectors other pages build on filter in the query and do not grow with the rows."""

import datetime

from django.utils import timezone

from governance import selectors, services
from tests.conftest import make_use_case
from tests.governance.conftest import MINIMAL


def _submit(use_case, head, **fields):
    if fields:
        services.change_use_case(use_case, actor=head, reason="x", **fields)
    services.classify_use_case(use_case, actor=head, facts=MINIMAL)
    services.submit_use_case(use_case, actor=head)
    return use_case


def test_awaiting_sign_off_lists_what_each_reviewer_must_still_sign(
    submitted_use_case, department_head, department, dpo, iso, staff_council
):
    personal = _submit(
        make_use_case(department_head, department, "Mit Daten"),
        department_head,
        processes_personal_data=True,
    )
    assert set(selectors.awaiting_sign_off(iso)) == {submitted_use_case, personal}
    assert list(selectors.awaiting_sign_off(dpo)) == [personal]
    assert list(selectors.awaiting_sign_off(staff_council)) == []
    services.sign_off_use_case(personal, actor=iso, role="iso", verdict="agree")
    assert list(selectors.awaiting_sign_off(iso)) == [submitted_use_case]


def test_awaiting_sign_off_is_empty_for_people_without_a_reviewer_role(
    submitted_use_case, board_member, department_head, outsider
):
    for user in (board_member, department_head, outsider):
        assert not selectors.awaiting_sign_off(user).exists()


def test_awaiting_sign_off_ignores_other_organisations(
    submitted_use_case, foreign_use_case, foreign_department_head, iso
):
    _submit(foreign_use_case, foreign_department_head)
    assert list(selectors.awaiting_sign_off(iso)) == [submitted_use_case]


def test_awaiting_sign_off_needs_one_query_whatever_the_rows(
    department_head, department, iso, django_assert_num_queries
):
    for number in range(5):
        _submit(make_use_case(department_head, department, f"Fall {number}"), department_head)
    # The reviewer's memberships, the departments they head, their single-person grants
    # (registry.permissions' visibility), then the use cases: four, however many rows.
    with django_assert_num_queries(4):
        rows = [(uc.title, uc.department.name) for uc in selectors.awaiting_sign_off(iso)]
    assert len(rows) == 5


def test_overdue_reviews_lists_only_passed_dates_of_approved_use_cases(
    approved_use_case, board_member, organisation
):
    services.reschedule_review(
        approved_use_case,
        actor=board_member,
        reason="x",
        next_review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert list(selectors.overdue_reviews(organisation)) == [approved_use_case]
    services.retire_use_case(approved_use_case, actor=board_member, reason="Ende")
    assert not selectors.overdue_reviews(organisation).exists()


def test_dashboard_counts_by_state_risk_class_and_department(
    approved_use_case, other_department_use_case, organisation, foreign_use_case
):
    counts = selectors.dashboard_counts(organisation)
    assert counts["total"] == 2
    by_state = {key: n for key, _label, n in counts["by_state"]}
    assert by_state["approved"] == 1
    assert by_state["draft"] == 1
    by_risk = {key: n for key, _label, n in counts["by_risk_class"]}
    assert by_risk == {**dict.fromkeys(by_risk, 0), "minimal": 1, "": 1}
    assert sorted(n for _pk, _name, n in counts["by_department"]) == [1, 1]


def test_awaiting_decision_lists_use_cases_whose_sign_offs_are_complete(
    signed_use_case, submitted_use_case, organisation
):
    assert list(selectors.awaiting_decision(organisation)) == [signed_use_case]
