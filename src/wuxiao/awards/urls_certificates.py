"""Awards pages: certificates, the progress of background jobs, the public verification (see awards/urls.py)."""

from django.urls import path

from . import views_certificates, views_jobs, views_verify

urlpatterns = [
    # Public (no login): the QR code's page and the lookup by number.
    path("verify/", views_verify.verify_lookup, name="verify_lookup"),
    path("verify/<str:token>/", views_verify.verify, name="verify"),
    path("certificate/<str:number>.pdf", views_certificates.certificate_pdf, name="certificate_pdf"),
    path("job/<int:pk>/", views_jobs.job, name="job"),
    path("job/<int:pk>/progress/", views_jobs.job_progress, name="job_progress"),
    path("job/<int:pk>/download/", views_jobs.job_download, name="job_download"),
    path("<slug:slug>/certificates/", views_certificates.certificates, name="certificates"),
    path("<slug:slug>/certificates/generate", views_certificates.certificates_generate, name="certificates_generate"),
    path("<slug:slug>/certificates/preview.pdf", views_certificates.certificate_preview, name="certificate_preview"),
]
