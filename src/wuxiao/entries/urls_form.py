"""The declaring unit's entry pages (namespace "entries")."""

from django.urls import path

from . import views_form

urlpatterns = [
    path("mine/", views_form.my_entries, name="mine"),
    path("new/", views_form.create, name="create"),
    path("<int:pk>/", views_form.view, name="view"),
    path("<int:pk>/edit/", views_form.edit, name="edit"),
    path("<int:pk>/autosave/", views_form.autosave, name="autosave"),
    path("<int:pk>/submit/", views_form.submit, name="submit"),
    path("<int:pk>/withdraw/", views_form.withdraw, name="withdraw"),
    path("<int:pk>/delete/", views_form.delete, name="delete"),
    path("industries/options/", views_form.industry_options, name="industry_options"),
    path("industries/search/", views_form.industry_search, name="industry_search"),
]
