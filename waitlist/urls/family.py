from django.urls import path

from waitlist.views import family as views

app_name = "applications"

urlpatterns = [
    path("applications/", views.ApplicationsView.as_view(), name="home"),
    path("applications/positions/", views.PositionsView.as_view(), name="positions"),
    path("applications/new/", views.ApplyView.as_view(), name="new"),
    path(
        "applications/<int:pk>/prefer/",
        views.ApplicationPreferView.as_view(),
        name="application_prefer",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views.ApplicationWithdrawView.as_view(),
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/audition/",
        views.AuditionRequestView.as_view(),
        name="audition_request",
    ),
    path("placements/<int:pk>/switch/", views.SwitchView.as_view(), name="switch"),
    path("place-offers/<int:pk>/", views.PlaceOfferView.as_view(), name="place_offer"),
    path(
        "place-offers/<int:pk>/decline/",
        views.PlaceOfferDeclineView.as_view(),
        name="place_offer_decline",
    ),
    path(
        "place-offers/<int:pk>/contract.pdf",
        views.PlaceOfferPreviewView.as_view(),
        name="place_offer_preview",
    ),
    path("contracts/<int:pk>/", views.ContractView.as_view(), name="contract"),
    path("contracts/<int:pk>.pdf", views.ContractPDFView.as_view(), name="contract_pdf"),
]
