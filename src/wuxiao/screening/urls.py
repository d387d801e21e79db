from django.urls import path

from . import urls_bulk, urls_flags, urls_overview, urls_review, views

app_name = "screening"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/<slug:action>/", views.entry_action, name="entry_action"),
    path("quota-exceptions/", views.quota_exceptions_current, name="quota_exceptions_current"),
    path("<slug:slug>/quota-exceptions/", views.quota_exceptions, name="quota_exceptions"),
    path("<slug:slug>/quota-exceptions/deadline/", views.deadline_extension, name="deadline_extension"),
    path("<slug:slug>/units/<int:unit_pk>/", views.unit, name="unit"),
    path("<slug:slug>/units/<int:unit_pk>/ranks/", views.ranks, name="ranks"),
    path("<slug:slug>/units/<int:unit_pk>/sheet/", views.sheet, name="sheet"),
    path("<slug:slug>/units/<int:unit_pk>/sheet/download/", views.sheet_download, name="sheet_download"),
    path("<slug:slug>/units/<int:unit_pk>/submit/", views.submit, name="submit"),
    path("<slug:slug>/units/<int:unit_pk>/reopen/", views.reopen, name="reopen"),
    path("<slug:slug>/units/<int:unit_pk>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("<slug:slug>/units/<int:unit_pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
] + urls_flags.urlpatterns  # the automatic flags (views_flags.py)
urlpatterns += urls_overview.urlpatterns  # the committee's overview (views_overview.py)
urlpatterns += urls_review.urlpatterns  # the committee office's eligibility check (views_review.py)
urlpatterns += urls_bulk.urlpatterns  # the queues' bulk actions and exports (issue 9 items 13, 14)
