from django.urls import path

from enrollment.views import office as views

app_name = "office"

urlpatterns = [
    path("<slug:school>/", views.OfficeHomeView.as_view(), name="home"),
]
