"""Awards pages: tiers (see awards/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
