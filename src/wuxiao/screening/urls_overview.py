"""Addresses of the committee's overview; included in the screening namespace by urls.py."""

from django.urls import path

from . import views_overview

urlpatterns = [
    path("overview/<slug:slug>/", views_overview.overview, name="overview"),
    path("overview/<slug:slug>/citywide.xlsx", views_overview.citywide_xlsx, name="citywide_xlsx"),
]
