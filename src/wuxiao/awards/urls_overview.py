"""Awards pages: the competition as a whole — dashboard, summary report, awarded entries' ZIP (see awards/urls.py)."""

from django.urls import path

from . import views_overview as views

urlpatterns = [
    path("<slug:slug>/overview/", views.overview, name="overview"),
    path("<slug:slug>/report.<slug:fmt>", views.report, name="report"),
    path("<slug:slug>/bundle", views.bundle, name="bundle"),
]
