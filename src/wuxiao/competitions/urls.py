from django.urls import path

from . import views

app_name = "competitions"
urlpatterns = [
    path("", views.edition_list, name="edition_list"),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
    path("editions/<slug:slug>/edit/", views.edition_edit, name="edition_edit"),
    path("editions/<slug:slug>/lists/", views.edition_lists, name="edition_lists"),
    path("editions/<slug:slug>/lists/<slug:kind>/", views.edition_lists, name="edition_lists"),
    path("editions/<slug:slug>/copy/", views.edition_copy, name="edition_copy"),
    path("editions/<slug:slug>/set-current/", views.edition_set_current, name="edition_set_current"),
]
