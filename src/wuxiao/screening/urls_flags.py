"""Addresses of the automatic flags; included in the screening namespace by urls.py."""

from django.urls import path

from . import views_flags

urlpatterns = [
    path("flags/<slug:slug>/", views_flags.flag_list, name="flags"),
    path("flags/<slug:slug>/recompute/", views_flags.recompute, name="recompute_flags"),
    path("compare/<int:pk>/<int:other_pk>/", views_flags.compare, name="compare"),
]
