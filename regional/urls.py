"""/regions/…: the region home, its programmes (Kulturløpet) and the guardians' pages.

The family pages and the calendar feed come first, so that no region slug can shadow them.
"""

from django.urls import include, path

from regional import views

app_name = "regional"

gathering = [
    path("", views.GatheringView.as_view(), name="gathering"),
    path("edit/", views.GatheringFormView.as_view(), name="gathering_edit"),
    path("delete/", views.GatheringDeleteView.as_view(), name="gathering_delete"),
    path("status/", views.GatheringStatusView.as_view(), name="gathering_status"),
    path("sessions/new/", views.SessionFormView.as_view(), name="session_create"),
    path("sessions/<int:session>/", views.SessionFormView.as_view(), name="session_edit"),
    path(
        "sessions/<int:session>/delete/", views.SessionDeleteView.as_view(), name="session_delete"
    ),
    path("register/<slug:school>/", views.RegisterView.as_view(), name="register"),
    path(
        "registrations/<int:registration>/cancel/",
        views.RegistrationCancelView.as_view(),
        name="registration_cancel",
    ),
    path("participants/", views.ParticipantsView.as_view(), name="participants"),
    path("feedback/", views.TeacherFeedbackView.as_view(), name="feedback"),
    path("evaluation/", views.EvaluationNoteView.as_view(), name="evaluation"),
    path("programme.pdf", views.GatheringPdfView.as_view(), name="gathering_pdf"),
    path("transport/<slug:school>.pdf", views.TransportPdfView.as_view(), name="transport_pdf"),
    path("calendar.ics", views.GatheringIcsView.as_view(), name="gathering_ics"),
]

programme = [
    path("", views.ProgrammeView.as_view(), name="programme"),
    path("edit/", views.ProgrammeEditView.as_view(), name="programme_edit"),
    path("criteria/", views.CriteriaView.as_view(), name="criteria"),
    path("criteria/new/", views.CriterionFormView.as_view(), name="criterion_create"),
    path("criteria/<int:pk>/", views.CriterionFormView.as_view(), name="criterion_edit"),
    path("criteria/<int:pk>/delete/", views.CriterionDeleteView.as_view(), name="criterion_delete"),
    path("pupils/", views.PupilListView.as_view(), name="pupils"),
    path("pupils/<int:pk>/", views.PupilView.as_view(), name="pupil"),
    path("pupils/<int:pk>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
    path("pupils/<int:pk>/notes/new/", views.ProgressNoteView.as_view(), name="progress_note"),
    path(
        "pupils/<int:pk>/notes/<int:note>/",
        views.ProgressNoteEditView.as_view(),
        name="progress_note_edit",
    ),
    path(
        "pupils/<int:pk>/notes/<int:note>/delete/",
        views.ProgressNoteDeleteView.as_view(),
        name="progress_note_delete",
    ),
    path("schools/<slug:school>/", views.SchoolView.as_view(), name="school"),
    path("schools/<slug:school>/nominate/", views.NominateView.as_view(), name="nominate"),
    path("schools/<slug:school>/enter/", views.PupilEnterView.as_view(), name="pupil_enter"),
    path("mentors/", views.MentorListView.as_view(), name="mentors"),
    path("mentors/new/", views.MentorCreateView.as_view(), name="mentor_create"),
    path("mentors/<int:pk>/", views.MentorEditView.as_view(), name="mentor_edit"),
    path("mentors/<int:pk>/delete/", views.MentorDeleteView.as_view(), name="mentor_delete"),
    path("gatherings/", views.GatheringListView.as_view(), name="gatherings"),
    path("gatherings/new/", views.GatheringFormView.as_view(), name="gathering_create"),
    path("gatherings/<int:pk>/", include(gathering)),
    path("instructors/", views.InstructorListView.as_view(), name="instructors"),
    path("instructors/new/", views.InstructorFormView.as_view(), name="instructor_create"),
    path("instructors/<int:pk>/", views.InstructorFormView.as_view(), name="instructor_edit"),
    path(
        "instructors/<int:pk>/delete/",
        views.InstructorDeleteView.as_view(),
        name="instructor_delete",
    ),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    path("budget/new/", views.BudgetLineFormView.as_view(), name="budget_line_create"),
    path("budget/<int:pk>/", views.BudgetLineFormView.as_view(), name="budget_line_edit"),
    path(
        "budget/<int:pk>/delete/", views.BudgetLineDeleteView.as_view(), name="budget_line_delete"
    ),
    path("budget/chart.<str:fmt>", views.BudgetChartView.as_view(), name="budget_chart"),
    path("budget.csv", views.BudgetCsvView.as_view(), name="budget_csv"),
    path("budget.xlsx", views.BudgetXlsxView.as_view(), name="budget_xlsx"),
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("plan/new/", views.PlanItemFormView.as_view(), name="plan_item_create"),
    path("plan/<int:pk>/", views.PlanItemFormView.as_view(), name="plan_item_edit"),
    path("plan/<int:pk>/delete/", views.PlanItemDeleteView.as_view(), name="plan_item_delete"),
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path(
        "suggestions/<int:pk>/status/",
        views.SuggestionStatusView.as_view(),
        name="suggestion_status",
    ),
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", views.MeetingFormView.as_view(), name="meeting_create"),
    path("meetings/plan/", views.MeetingsPlanView.as_view(), name="meetings_plan"),
    path("meetings/<int:pk>/", views.MeetingView.as_view(), name="meeting"),
    path("meetings/<int:pk>/edit/", views.MeetingFormView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("materials/", views.MaterialListView.as_view(), name="materials"),
    path("materials/new/", views.MaterialCreateView.as_view(), name="material_create"),
    path("materials/<int:pk>/", views.MaterialEditView.as_view(), name="material_edit"),
    path("materials/<int:pk>/delete/", views.MaterialDeleteView.as_view(), name="material_delete"),
    path(
        "materials/<int:pk>/download/",
        views.MaterialDownloadView.as_view(),
        name="material_download",
    ),
    path("evaluation/", views.ProgrammeEvaluationView.as_view(), name="programme_evaluation"),
    path(
        "evaluation/<int:pk>/", views.EvaluationNoteEditView.as_view(), name="evaluation_note_edit"
    ),
    path(
        "evaluation/<int:pk>/delete/",
        views.EvaluationNoteDeleteView.as_view(),
        name="evaluation_note_delete",
    ),
    path("calendar/new-address/", views.CalendarAddressView.as_view(), name="calendar_address"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report.pdf", views.ReportPdfView.as_view(), name="report_pdf"),
    path("calendar.ics", views.ProgrammeIcsView.as_view(), name="programme_ics"),
]

urlpatterns = [
    path("family/", views.FamilyView.as_view(), name="family"),
    path(
        "family/<int:child>/gatherings/<int:gathering>/register/",
        views.FamilyRegisterView.as_view(),
        name="family_register",
    ),
    path(
        "family/<int:child>/gatherings/<int:gathering>/feedback/",
        views.FamilyFeedbackView.as_view(),
        name="family_feedback",
    ),
    path("family/<int:child>/suggest/", views.FamilySuggestView.as_view(), name="family_suggest"),
    path(
        "family/<int:child>/suggestions/<int:suggestion>/vote/",
        views.FamilyVoteView.as_view(),
        name="family_vote",
    ),
    path("calendar/<uuid:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("<slug:region>/", views.RegionHomeView.as_view(), name="home"),
    path(
        "<slug:region>/programmes/new/",
        views.ProgrammeCreateView.as_view(),
        name="programme_create",
    ),
    path("<slug:region>/<slug:programme>/", include(programme)),
]
