"""Second-round pages: assign (see review/urls.py). The committee office's assignment of entries to experts."""

from django.urls import path

from . import views_assign as views

urlpatterns = [
    path("<slug:slug>/assignment/", views.assignment, name="assignment"),
    path("<slug:slug>/assignment/runs/<int:pk>/progress/", views.run_progress, name="assignment_progress"),
    path("<slug:slug>/assignment/entries/", views.matrix, name="assignment_entries"),
    path("<slug:slug>/assignment/experts/", views.experts, name="assignment_experts"),
    path("<slug:slug>/assignment/edit/", views.edit, name="assignment_edit"),
    path("<slug:slug>/assignment/rules/", views.rules, name="assignment_rules"),
    path("<slug:slug>/assignment/rules/<int:pk>/delete/", views.rule_delete, name="assignment_rule_delete"),
    path("<slug:slug>/assignment/publish/", views.publish, name="assignment_publish"),
    path("<slug:slug>/assignment/reassign/", views.reassign, name="assignment_reassign"),
    path("<slug:slug>/assignment/second-pass/", views.second_pass, name="assignment_second_pass"),
]
