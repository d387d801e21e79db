"""Final-round pages: site visits (R9; see finals/urls.py)."""

from django.urls import path

from . import views_site as views

urlpatterns = [
    path("visits/mine/", views.my_visits, name="my_visits"),
    path("visit/<int:pk>/score/", views.visit_score, name="visit_score"),
    path("visit/<int:pk>/score/submit", views.visit_score_submit, name="visit_score_submit"),
    path("visit/<int:pk>/score/state", views.visit_score_state, name="visit_score_state"),
    path("visit/<int:pk>/photo", views.visit_photo_submit, name="visit_photo_submit"),
    path("visit/photo/<int:pk>", views.visit_photo, name="visit_photo"),
    path("<slug:slug>/visits/", views.visits, name="visits"),
    path("<slug:slug>/visits/create", views.visits_create, name="visits_create"),
    path("<slug:slug>/visits/select", views.visits_select, name="visits_select"),
    path("<slug:slug>/visits/route/", views.visit_route, name="visit_route"),
    path("<slug:slug>/visits/route.pdf", views.visit_route_pdf, name="visit_route_pdf"),
    path("<slug:slug>/visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<slug:slug>/visits/<int:pk>/withdraw", views.visit_withdraw, name="visit_withdraw"),
    path("<slug:slug>/visits/<int:pk>/lock", views.visit_lock, name="visit_lock"),
    path("<slug:slug>/visits/<int:pk>/move", views.visit_move, name="visit_move"),
]
