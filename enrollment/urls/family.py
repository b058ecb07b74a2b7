from django.urls import path

from enrollment.views import family as views
from enrollment.views import places

app_name = "family"

urlpatterns = [
    # The family page with each child's current places (places.FamilyHomeView extends
    # views.FamilyHomeView by one query).
    path("", places.FamilyHomeView.as_view(), name="home"),
    path("lessons/", places.LessonsView.as_view(), name="lessons"),
    path("places/<int:pk>/", places.PlaceView.as_view(), name="place"),
    path("places/<int:pk>/withdraw/", places.TrialWithdrawView.as_view(), name="trial_withdraw"),
    path("places/<int:pk>/notice/", places.NoticeView.as_view(), name="notice"),
    path("places/<int:pk>/leave/", places.LeaveApplyView.as_view(), name="leave"),
    path("places/<int:pk>/leave/return/", places.LeaveReturnView.as_view(), name="leave_return"),
    path("places/<int:pk>/effort/", places.EffortAcknowledgeView.as_view(), name="effort"),
    path(
        "places/<int:pk>/conference/<int:slot>/book/",
        places.ConferenceBookView.as_view(),
        name="conference_book",
    ),
    path(
        "places/<int:pk>/conference/<int:slot>/cancel/",
        places.ConferenceCancelView.as_view(),
        name="conference_cancel",
    ),
    path("letters/<int:pk>.pdf", places.LetterPDFView.as_view(), name="letter_pdf"),
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
