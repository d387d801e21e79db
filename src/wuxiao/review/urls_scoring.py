"""Second-round pages: scoring (see review/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
