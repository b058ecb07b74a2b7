from django.urls import path

from enrollment.views import family as views

app_name = "family"

urlpatterns = [
    path("", views.FamilyHomeView.as_view(), name="home"),
    path("register/", views.FamilyHomeView.as_view(), name="register"),
    path("children/add/", views.FamilyHomeView.as_view(), name="pupil_add"),
    path("children/<int:pk>/", views.PupilDetailView.as_view(), name="pupil"),
]
