from django.urls import path

from . import views_lists

urlpatterns = [
    path("list/", views_lists.entry_list, name="list"),
    path("list/entries.csv", views_lists.entry_list_csv, name="list_csv"),
    path("drafts/", views_lists.draft_list, name="drafts"),
]
