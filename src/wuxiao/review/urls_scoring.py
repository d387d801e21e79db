"""Second-round pages: scoring (see review/urls.py)."""

from django.urls import path

from . import views_scoring as views

urlpatterns = [
    # The committee office: rubric, progress and reminders, reopening a score, any expert's score sheet.
    path("<slug:slug>/rubric/", views.rubric, name="rubric"),
    path("<slug:slug>/rubric/reopen/", views.rubric_reopen, name="rubric_reopen"),
    path("<slug:slug>/progress/", views.progress, name="progress"),
    path("<slug:slug>/progress/remind/", views.remind, name="remind"),
    path("<slug:slug>/scores/<int:score_id>/reopen/", views.score_reopen, name="score_reopen"),
    path("<slug:slug>/experts/<int:expert_id>/score-sheet.pdf", views.score_sheet, name="score_sheet"),
    # The expert.
    path("expert/", views.workspace, name="workspace"),
    path("expert/<slug:slug>/", views.workspace_edition, name="workspace_edition"),
    path("expert/<slug:slug>/score-sheet.pdf", views.my_score_sheet, name="my_score_sheet"),
    path("expert/<slug:slug>/entries/<int:entry_id>/", views.expert_entry, name="expert_entry"),
    path("expert/<slug:slug>/entries/<int:entry_id>/save/", views.score_save, name="score_save"),
    path("expert/<slug:slug>/entries/<int:entry_id>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("expert/<slug:slug>/entries/<int:entry_id>/files/<int:attachment_id>/", views.expert_attachment,
         name="expert_attachment"),
]
