"""Office and principal pages of one school: /office/<school>/…"""

from django.urls import path

from enrollment.views import office as views

app_name = "office"

urlpatterns = [
    path("<slug:school>/", views.OfficeHomeView.as_view(), name="home"),
    path("<slug:school>/pupils/", views.PupilListView.as_view(), name="pupils"),
    path("<slug:school>/pupils/export.csv", views.PupilExportView.as_view(), name="pupils_csv"),
    path("<slug:school>/pupils/<int:pk>/", views.PupilDetailView.as_view(), name="pupil"),
    path(
        "<slug:school>/households/<int:pk>/",
        views.HouseholdDetailView.as_view(),
        name="household",
    ),
    path("<slug:school>/offers/", views.OfferListView.as_view(), name="offers"),
    path("<slug:school>/offers/new/", views.OfferFormView.as_view(), name="offer_create"),
    path("<slug:school>/offers/<int:pk>/", views.OfferFormView.as_view(), name="offer_edit"),
    path("<slug:school>/terms/", views.TermListView.as_view(), name="terms"),
    path("<slug:school>/terms/new/", views.TermFormView.as_view(), name="term_create"),
    path("<slug:school>/terms/<int:pk>/", views.TermFormView.as_view(), name="term_edit"),
    path("<slug:school>/profile/", views.SchoolProfileView.as_view(), name="profile"),
    path("<slug:school>/profile/edit/", views.SchoolProfileEditView.as_view(), name="profile_edit"),
    path("<slug:school>/locations/", views.LocationListView.as_view(), name="locations"),
    path("<slug:school>/locations/new/", views.LocationFormView.as_view(), name="location_create"),
    path(
        "<slug:school>/locations/<int:pk>/",
        views.LocationFormView.as_view(),
        name="location_edit",
    ),
    path("<slug:school>/departments/", views.DepartmentListView.as_view(), name="departments"),
    path(
        "<slug:school>/departments/new/",
        views.DepartmentFormView.as_view(),
        name="department_create",
    ),
    path(
        "<slug:school>/departments/<int:pk>/",
        views.DepartmentFormView.as_view(),
        name="department_edit",
    ),
    path("<slug:school>/rules/", views.PolicyView.as_view(), name="policy"),
    path("<slug:school>/rules/edit/", views.PolicyEditView.as_view(), name="policy_edit"),
    path("<slug:school>/staff/", views.StaffListView.as_view(), name="staff"),
    path("<slug:school>/staff/add/", views.StaffAddView.as_view(), name="staff_add"),
    path(
        "<slug:school>/staff/<int:pk>/remove/",
        views.StaffRemoveView.as_view(),
        name="staff_remove",
    ),
]
