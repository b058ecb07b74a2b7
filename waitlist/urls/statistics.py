"""Waiting-list statistics of one school for office staff and the principal: /office/<school>/…"""

from django.urls import path

from waitlist.views import statistics as views

app_name = "statistics"

urlpatterns = [
    path("<slug:school>/statistics/", views.StatisticsView.as_view(), name="waiting"),
    path(
        "<slug:school>/statistics/charts/<slug:chart>.<str:fmt>",
        views.ChartView.as_view(),
        name="chart",
    ),
    path("<slug:school>/statistics/<slug:table>.csv", views.CsvView.as_view(), name="csv"),
]
