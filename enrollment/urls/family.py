from django.urls import path

from enrollment.views import family as views

app_name = "family"

urlpatterns = [
    path("", views.FamilyHomeView.as_view(), name="home"),
    path("register/", views.RegisterHouseholdView.as_view(), name="register"),
    path("households/<int:pk>/edit/", views.HouseholdEditView.as_view(), name="household_edit"),
    path("households/<int:pk>/invite/", views.GuardianInviteView.as_view(), name="invite"),
    path("children/add/", views.PupilAddView.as_view(), name="pupil_add"),
    path("children/<int:pk>/", views.PupilDetailView.as_view(), name="pupil"),
    path("children/<int:pk>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
    path(
        "invitations/<int:pk>/cancel/",
        views.InvitationCancelView.as_view(),
        name="invitation_cancel",
    ),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
