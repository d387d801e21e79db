from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("entries/<int:pk>/form.pdf", views.entry_form_pdf, name="entry_pdf"),
    path("entries/<int:pk>/form.docx", views.entry_form_docx, name="entry_docx"),
    path("editions/<slug:slug>/blank/<slug:document>.<str:file_type>", views.blank, name="blank"),
    path("commitment/", views.my_commitment, name="my_commitment"),
    path("editions/<slug:slug>/commitments/", views.commitment_list, name="commitment_list"),
    path("editions/<slug:slug>/commitments/<int:unit_pk>/", views.commitment, name="commitment"),
    path("editions/<slug:slug>/commitments/<int:unit_pk>/commitment.pdf", views.commitment_pdf,
         name="commitment_pdf"),
    path("editions/<slug:slug>/commitments/<int:unit_pk>/scan/", views.commitment_scan, name="commitment_scan"),
    path("editions/<slug:slug>/exports/", views.export_list, name="export_list"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
