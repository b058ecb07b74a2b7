"""Public pages of the waiting lists, under /schools/<school>/…"""

from django.urls import path

from waitlist.views import public as views

app_name = "vacancies"

urlpatterns = [
    path("<slug:school>/vacancies/", views.vacancy_list, name="list"),
]
