"""Final-round pages: the final ranking and the score sheets (R10; see finals/urls.py)."""

from django.urls import path

from . import views_ranking as views

urlpatterns = [
    path("<slug:slug>/ranking/", views.ranking, name="ranking"),
    path("<slug:slug>/ranking/compute", views.ranking_compute, name="ranking_compute"),
    path("<slug:slug>/ranking/move", views.ranking_move, name="ranking_move"),
    path("<slug:slug>/ranking/approve", views.ranking_approve, name="ranking_approve"),
    path("<slug:slug>/ranking/<slug:kind>.<slug:fmt>", views.ranking_export, name="ranking_export"),
]
