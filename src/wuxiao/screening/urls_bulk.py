"""Addresses of the queues' bulk actions and Excel exports (issue 9 items 13, 14); included by urls.py."""

from django.urls import path

from . import views, views_review

urlpatterns = [
    path("<slug:slug>/units/<int:unit_pk>/bulk/", views.unit_bulk, name="unit_bulk"),
    path("<slug:slug>/units/<int:unit_pk>/queue.xlsx", views.unit_export, name="unit_export"),
    path("review/<slug:slug>/bulk/", views_review.review_bulk, name="review_bulk"),
    path("review/<slug:slug>/queue.xlsx", views_review.review_export, name="review_export"),
]
