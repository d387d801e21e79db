"""Awards pages: the public announcement and results, and the objection form; no login (see awards/urls.py)."""

from django.urls import path

from . import views_public as views

urlpatterns = [
    path("public/<slug:slug>/", views.public, name="public"),
    path("public/<slug:slug>/object/", views.object_form, name="object"),
    path("public/<slug:slug>/object/received", views.objection_received, name="objection_received"),
]
