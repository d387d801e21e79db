"""Second-round pages: assign (see review/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
