"""Addresses of the committee office's eligibility check (views_review.py); included by urls.py."""

from django.urls import path

from . import views_review

urlpatterns = [
    path("review/<slug:slug>/", views_review.review_queue, name="review"),
    path("review/<slug:slug>/entries/<int:pk>/", views_review.review_entry, name="review_entry"),
    path("review/<slug:slug>/entries/<int:pk>/<slug:decision>/", views_review.review_decide, name="review_decide"),
]
