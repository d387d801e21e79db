"""The second round's hub page (the office's entry point)."""

from django.urls import path

from . import views_hub

urlpatterns = [
    path("<slug:slug>/", views_hub.home, name="home"),
]
