from django.urls import path

from enrollment.views import teaching as views

app_name = "teaching"

urlpatterns = [
    path("", views.TodayView.as_view(), name="today"),
    path("groups/", views.GroupListView.as_view(), name="groups"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group"),
    path(
        "groups/<int:pk>/pupils/<int:placement>/effort/",
        views.EffortView.as_view(),
        name="effort",
    ),
    path("lessons/<int:pk>/", views.LessonView.as_view(), name="lesson"),
    path(
        "lessons/<int:pk>/pupils/<int:placement>/attendance/",
        views.AttendanceView.as_view(),
        name="attendance",
    ),
    path(
        "lessons/<int:pk>/pupils/<int:placement>/note/",
        views.NoteBroughtView.as_view(),
        name="note_brought",
    ),
    path(
        "lessons/<int:pk>/pupils/<int:placement>/report/",
        views.AbsenceReportView.as_view(),
        name="absence_report",
    ),
    path("lessons/<int:pk>/all-present/", views.AllPresentView.as_view(), name="all_present"),
    path("lessons/<int:pk>/cancel/", views.LessonCancelView.as_view(), name="lesson_cancel"),
    path("lessons/<int:pk>/change/", views.LessonChangeView.as_view(), name="lesson_change"),
    path("conferences/", views.ConferenceListView.as_view(), name="conferences"),
    path(
        "conferences/publish/",
        views.ConferencePublishView.as_view(),
        name="conference_publish",
    ),
    path(
        "conferences/<int:pk>/withdraw/",
        views.ConferenceDeleteView.as_view(),
        name="conference_delete",
    ),
]
