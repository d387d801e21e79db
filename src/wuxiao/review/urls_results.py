"""Second-round pages: results (see review/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
