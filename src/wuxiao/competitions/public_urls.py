from django.urls import path

from . import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.home, name="home"),
    path("editions/<slug:slug>/", public_views.edition, name="edition"),
    path("editions/<slug:slug>/notice/", public_views.notice, name="notice"),
]
