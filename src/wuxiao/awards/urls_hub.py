"""The awards stage's hub (the office's entry point)."""

from django.urls import path

from . import views_hub

urlpatterns = [
    path("<slug:slug>/", views_hub.home, name="home"),
]
