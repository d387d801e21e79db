"""The Excel import of entries collected offline (issue 9, item 15)."""

from django.urls import path

from . import views_import as views

urlpatterns = [
    path("import/<slug:slug>/", views.upload, name="import"),
    path("import/<slug:slug>/template.xlsx", views.template, name="import_template"),
    path("imports/<int:pk>/", views.preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", views.confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", views.discard, name="import_discard"),
]
