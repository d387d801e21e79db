"""Second-round pages: pool (see review/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
