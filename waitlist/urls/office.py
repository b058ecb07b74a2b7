"""Admission pages of one school for office staff and principals: /office/<school>/admission/…"""

from django.urls import path

from waitlist.views import office as views

app_name = "admission"

urlpatterns = [
    path("<slug:school>/admission/", views.AdmissionHomeView.as_view(), name="home"),
    path(
        "<slug:school>/admission/offers/<int:pk>/",
        views.WaitingListView.as_view(),
        name="waiting_list",
    ),
    path(
        "<slug:school>/admission/offers/<int:pk>/export.csv",
        views.WaitingListExportView.as_view(kind="csv"),
        name="waiting_list_csv",
    ),
    path(
        "<slug:school>/admission/offers/<int:pk>/export.xlsx",
        views.WaitingListExportView.as_view(kind="xlsx"),
        name="waiting_list_xlsx",
    ),
    path(
        "<slug:school>/admission/offers/<int:pk>/offer-free-places/",
        views.ContinuousAdmissionView.as_view(),
        name="continuous",
    ),
    path(
        "<slug:school>/admission/offers/<int:pk>/apply/",
        views.ApplicationOnBehalfView.as_view(),
        name="apply",
    ),
    path("<slug:school>/admission/main/", views.MainAdmissionView.as_view(), name="main"),
    path(
        "<slug:school>/admission/main/run/", views.MainAdmissionRunView.as_view(), name="main_run"
    ),
    path("<slug:school>/admission/rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round"),
    path("<slug:school>/admission/auditions/", views.AuditionListView.as_view(), name="auditions"),
    path(
        "<slug:school>/admission/auditions/<int:pk>/schedule/",
        views.AuditionScheduleView.as_view(),
        name="audition_schedule",
    ),
    path(
        "<slug:school>/admission/auditions/<int:pk>/result/",
        views.AuditionResultView.as_view(),
        name="audition_result",
    ),
    path(
        "<slug:school>/admission/place-offers/",
        views.PlaceOfferListView.as_view(),
        name="place_offers",
    ),
]
