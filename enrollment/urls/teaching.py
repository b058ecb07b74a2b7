from django.urls import path

from enrollment.views import teaching as views

app_name = "teaching"

urlpatterns = [
    path("", views.GroupListView.as_view(), name="groups"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group"),
]
