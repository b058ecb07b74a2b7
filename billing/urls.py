"""Fee schedules of one school for office staff and the principal: /office/<school>/fees/…"""

from django.urls import path

from billing import views

app_name = "fees"

urlpatterns = [
    path("<slug:school>/fees/", views.FeeScheduleListView.as_view(), name="schedules"),
    path("<slug:school>/fees/new/", views.FeeScheduleFormView.as_view(), name="schedule_create"),
    path("<slug:school>/fees/<int:pk>/", views.FeeScheduleFormView.as_view(), name="schedule_edit"),
]
