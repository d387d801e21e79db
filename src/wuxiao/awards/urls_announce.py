"""Awards pages: announce (see awards/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
