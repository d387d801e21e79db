"""Awards pages: overview (see awards/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
