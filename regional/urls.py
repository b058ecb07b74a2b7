from django.urls import path

from regional import views

app_name = "regional"

urlpatterns = [
    path("<slug:region>/", views.RegionHomeView.as_view(), name="home"),
]
