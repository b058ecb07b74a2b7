import pytest

from tests.conftest import login


@pytest.mark.django_db
def test_front_page_lists_public_schools(client, school, other_school):
    response = client.get("/")
    assert response.status_code == 200
    assert school.name in response.content.decode()


@pytest.mark.django_db
def test_dashboard_renders_for_office(client, office_user, school):
    response = login(client, office_user).get("/dashboard/")
    assert response.status_code == 200
    assert school.name in response.content.decode()
