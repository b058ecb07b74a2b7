from django.urls import path

from waitlist.views import family as views

app_name = "applications"

urlpatterns = [
    path("place-offers/<int:pk>/", views.PlaceOfferView.as_view(), name="place_offer"),
]
