"""The final round's hub (the office's entry point) and the expert's page of their sessions and visits."""

from django.urls import path

from . import views_hub

urlpatterns = [
    path("expert/", views_hub.expert_home, name="expert_home"),
    path("<slug:slug>/", views_hub.home, name="home"),
]
