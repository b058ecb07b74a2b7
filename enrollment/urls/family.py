from django.urls import path

from enrollment.views import family as views

app_name = "family"

urlpatterns = [
    path("", views.FamilyHomeView.as_view(), name="home"),
    path("register/", views.RegisterHouseholdView.as_view(), name="register"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household_edit"),
    path("children/add/", views.PupilAddView.as_view(), name="pupil_add"),
    path("children/<int:pk>/", views.PupilDetailView.as_view(), name="pupil"),
    path("children/<int:pk>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
]
