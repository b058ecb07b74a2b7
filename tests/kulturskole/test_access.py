"""The scope rules of kulturskole.access: each role reaches its own objects and nothing else."""

from __future__ import annotations

import pytest

from kulturskole.access import (
    Role,
    Roles,
    groups_for_teacher,
    households_for_guardian,
    pupils_for_guardian,
    regions_for,
    roles_for,
    schools_for,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_users_hold_no_roles():
    from django.contrib.auth.models import AnonymousUser

    roles = roles_for(AnonymousUser())
    assert roles == Roles()
    assert not roles.requires_mfa


def test_office_user_reaches_only_own_school(office_user, school, other_school):
    assert list(schools_for(office_user, Role.OFFICE, Role.PRINCIPAL)) == [school]


def test_teacher_role_does_not_open_the_office(teacher_user):
    assert not schools_for(teacher_user, Role.OFFICE, Role.PRINCIPAL).exists()


def test_superuser_reaches_every_school(superuser, school, other_school):
    assert set(schools_for(superuser, Role.OFFICE)) == {school, other_school}


def test_guardian_reaches_only_own_household_and_children(guardian_user, household, school):
    own_child = factories.PupilFactory(household=household)
    other_household = factories.HouseholdFactory(school=school)
    factories.PupilFactory(household=other_household)
    assert list(households_for_guardian(guardian_user)) == [household]
    assert list(pupils_for_guardian(guardian_user)) == [own_child]


def test_guardian_in_two_households_reaches_both(guardian_user, household, school):
    second = factories.HouseholdFactory(school=school)
    factories.GuardianFactory(household=second, user=guardian_user)
    assert set(households_for_guardian(guardian_user)) == {household, second}


def test_teacher_reaches_own_groups_only(teacher_user, school):
    offer = factories.OfferFactory(school=school)
    own = factories.TeachingGroupFactory(offer=offer, teacher=teacher_user)
    factories.TeachingGroupFactory(offer=offer)
    assert list(groups_for_teacher(teacher_user)) == [own]


def test_teacher_loses_groups_at_a_school_where_the_role_ended(teacher_user, school, other_school):
    offer = factories.OfferFactory(school=other_school)
    factories.TeachingGroupFactory(offer=offer, teacher=teacher_user)
    assert not groups_for_teacher(teacher_user).exists()


def test_project_leader_reaches_the_schools_of_own_region_only(school, other_school):
    region = factories.RegionFactory(schools=[other_school])
    factories.RegionFactory(slug="elsewhere", schools=[school])
    leader = factories.RegionalRoleFactory(region=region, role=Role.PROJECT_LEADER).user
    assert list(regions_for(leader, Role.PROJECT_LEADER)) == [region]
    assert list(schools_for(leader, Role.PROJECT_LEADER)) == [other_school]


@pytest.mark.parametrize(
    ("role", "needs_mfa"),
    [
        (Role.OFFICE, True),
        (Role.PRINCIPAL, True),
        (Role.TEACHER, False),
    ],
)
def test_staff_roles_that_see_other_families_require_two_factors(school, role, needs_mfa):
    user = factories.StaffRoleFactory(school=school, role=role).user
    assert roles_for(user).requires_mfa is needs_mfa


def test_project_leader_requires_two_factors_but_steering_group_does_not(school):
    region = factories.RegionFactory(schools=[school])
    leader = factories.RegionalRoleFactory(region=region, role=Role.PROJECT_LEADER).user
    member = factories.RegionalRoleFactory(region=region, role=Role.STEERING_GROUP).user
    assert roles_for(leader).requires_mfa
    assert not roles_for(member).requires_mfa


def test_guardians_do_not_require_two_factors(guardian_user):
    assert roles_for(guardian_user).held == {Role.GUARDIAN}
    assert not roles_for(guardian_user).requires_mfa


def test_roles_are_computed_once_per_request(office_user, django_assert_num_queries):
    fresh = type(office_user).objects.get(pk=office_user.pk)
    with django_assert_num_queries(3):
        roles_for(fresh)
        roles_for(fresh)
