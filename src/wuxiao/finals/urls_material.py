"""The finalists' roadshow material (R24): upload, the office's overview and ZIP, the presenter page."""

from django.urls import path

from . import views_material as views

urlpatterns = [
    path("entry/<int:entry_id>/material/", views.material_upload, name="material_upload"),
    path("entry/<int:entry_id>/material/<str:kind>/upload", views.material_upload_kind, name="material_upload_kind"),
    path("material/<int:pk>/file", views.material_file, name="material_file"),
    path("session/<int:pk>/material.zip", views.session_zip, name="material_zip"),
    path("screen/<str:token>/presenter/", views.presenter, name="presenter"),
    path("screen/<str:token>/presenter/<int:pk>/file", views.presenter_file, name="presenter_file"),
    path("<slug:slug>/material/", views.overview, name="material"),
]
