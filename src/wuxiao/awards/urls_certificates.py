"""Awards pages: certificates (see awards/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
