"""An entry's attachments (R24, R25; issue 3, items 7–10 and 13)."""

from django.urls import path

from . import views_attachments as views

urlpatterns = [
    path("<int:pk>/attachments/", views.attachments, name="attachments"),
    path("<int:pk>/attachments/<slug:kind>/upload/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
]
