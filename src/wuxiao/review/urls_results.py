"""Second-round pages: results (see review/urls.py): official and calibrated scores, flags, the finalist list,
exports (R7; issue 10, items 9–11)."""

from django.urls import path

from . import views_results as views

urlpatterns = [
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/summary.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<slug:slug>/finalists/", views.finalists, name="finalists"),
    path("<slug:slug>/finalists/propose", views.finalists_propose, name="finalists_propose"),
    path("<slug:slug>/finalists/change", views.finalists_change, name="finalists_change"),
    path("<slug:slug>/finalists/approve", views.finalists_approve, name="finalists_approve"),
    path("<slug:slug>/finalists/progress/", views.finalists_progress, name="finalists_progress"),
    path("<slug:slug>/finalists/resume", views.finalists_resume, name="finalists_resume"),
    path("<slug:slug>/finalists/list.xlsx", views.finalists_xlsx, name="finalists_xlsx"),
    path("<slug:slug>/finalists/list.pdf", views.finalists_pdf, name="finalists_pdf"),
]
