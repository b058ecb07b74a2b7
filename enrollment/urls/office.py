"""Office and principal pages of one school: /office/<school>/…"""

from django.urls import path

from enrollment.views import lifecycle_office as lifecycle
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
    # Teaching: groups, members, lessons, holidays
    path("<slug:school>/teaching/groups/", lifecycle.GroupListView.as_view(), name="groups"),
    path(
        "<slug:school>/teaching/groups/new/",
        lifecycle.GroupFormView.as_view(),
        name="group_create",
    ),
    path(
        "<slug:school>/teaching/groups/<int:pk>/",
        lifecycle.GroupDetailView.as_view(),
        name="group",
    ),
    path(
        "<slug:school>/teaching/groups/<int:pk>/edit/",
        lifecycle.GroupFormView.as_view(),
        name="group_edit",
    ),
    path(
        "<slug:school>/teaching/groups/<int:pk>/members/add/",
        lifecycle.GroupMemberAddView.as_view(),
        name="group_member_add",
    ),
    path(
        "<slug:school>/teaching/groups/<int:pk>/members/<int:member>/remove/",
        lifecycle.GroupMemberRemoveView.as_view(),
        name="group_member_remove",
    ),
    path(
        "<slug:school>/teaching/groups/<int:pk>/lessons/generate/",
        lifecycle.LessonsGenerateView.as_view(),
        name="lessons_generate",
    ),
    path("<slug:school>/teaching/holidays/", lifecycle.HolidayListView.as_view(), name="holidays"),
    path(
        "<slug:school>/teaching/holidays/new/",
        lifecycle.HolidayFormView.as_view(),
        name="holiday_create",
    ),
    path(
        "<slug:school>/teaching/holidays/<int:pk>/",
        lifecycle.HolidayFormView.as_view(),
        name="holiday_edit",
    ),
    path(
        "<slug:school>/teaching/holidays/<int:pk>/delete/",
        lifecycle.HolidayDeleteView.as_view(),
        name="holiday_delete",
    ),
    # Follow-up: absence (§7, §9d), terminations (§9d–f), leave (§14), notices (§9b), §18, §19
    path(
        "<slug:school>/follow-up/absence/",
        lifecycle.AbsenceFlagListView.as_view(),
        name="absence_flags",
    ),
    path(
        "<slug:school>/pupils/<int:pk>/absence/",
        lifecycle.AbsenceReportView.as_view(),
        name="absence_report",
    ),
    path(
        "<slug:school>/pupils/<int:pk>/terminate/",
        lifecycle.TerminationNewView.as_view(),
        name="termination_new",
    ),
    path(
        "<slug:school>/pupils/<int:pk>/terminate/decide/",
        lifecycle.TerminationDecideView.as_view(),
        name="termination_decide",
    ),
    path(
        "<slug:school>/follow-up/terminations/",
        lifecycle.TerminationListView.as_view(),
        name="terminations",
    ),
    path(
        "<slug:school>/follow-up/terminations/<int:pk>/",
        lifecycle.TerminationDetailView.as_view(),
        name="termination",
    ),
    path(
        "<slug:school>/follow-up/terminations/<int:pk>/letter.pdf",
        lifecycle.TerminationLetterView.as_view(),
        name="termination_letter",
    ),
    path(
        "<slug:school>/follow-up/terminations/<int:pk>/appeal/",
        lifecycle.AppealRegisterView.as_view(),
        name="termination_appeal_register",
    ),
    path(
        "<slug:school>/follow-up/terminations/<int:pk>/appeal/resolve/",
        lifecycle.AppealResolveView.as_view(),
        name="termination_appeal_resolve",
    ),
    path("<slug:school>/follow-up/leave/", lifecycle.LeaveListView.as_view(), name="leaves"),
    path(
        "<slug:school>/follow-up/leave/<int:pk>/",
        lifecycle.LeaveDetailView.as_view(),
        name="leave",
    ),
    path(
        "<slug:school>/follow-up/leave/<int:pk>/note/",
        lifecycle.LeaveNoteView.as_view(),
        name="leave_note",
    ),
    path(
        "<slug:school>/follow-up/leave/<int:pk>/decide/",
        lifecycle.LeaveDecideView.as_view(),
        name="leave_decide",
    ),
    path(
        "<slug:school>/follow-up/leave/<int:pk>/return/",
        lifecycle.LeaveReturnView.as_view(),
        name="leave_return",
    ),
    path("<slug:school>/follow-up/notices/", lifecycle.NoticeListView.as_view(), name="notices"),
    path(
        "<slug:school>/follow-up/places-ending/",
        lifecycle.PlacesEndingView.as_view(),
        name="places_ending",
    ),
    path(
        "<slug:school>/follow-up/work-groups/",
        lifecycle.WorkGroupListView.as_view(),
        name="work_groups",
    ),
    path(
        "<slug:school>/follow-up/work-groups/<int:pk>/",
        lifecycle.WorkGroupDetailView.as_view(),
        name="work_group",
    ),
    path(
        "<slug:school>/follow-up/work-groups/<int:pk>/export.csv",
        lifecycle.WorkGroupExportView.as_view(),
        name="work_group_csv",
    ),
]
