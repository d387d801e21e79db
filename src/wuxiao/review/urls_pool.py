"""Second-round pages: pool (see review/urls.py) — settings, experts, import, invitations, conflicts, groups."""

from django.urls import path

from . import views_pool as views

urlpatterns = [
    path("<slug:slug>/settings/", views.settings_page, name="settings"),
    path("<slug:slug>/experts/", views.pool, name="pool"),
    path("<slug:slug>/experts/add/", views.expert_form, name="expert_add"),
    path("<slug:slug>/experts/<int:pk>/", views.expert_form, name="expert_edit"),
    path("<slug:slug>/experts/invite/", views.invite, name="invite"),
    path("<slug:slug>/experts/import/", views.import_upload, name="import"),
    path("<slug:slug>/experts/import/template/", views.import_template, name="import_template"),
    path("<slug:slug>/experts/import/confirm/", views.import_confirm, name="import_confirm"),
    path("<slug:slug>/conflicts/", views.conflicts, name="conflicts"),
    path("<slug:slug>/conflicts/add/", views.conflict_add, name="conflict_add"),
    path("<slug:slug>/conflicts/<int:pk>/lift/", views.conflict_lift, name="conflict_lift"),
    path("<slug:slug>/conflicts/check/", views.run_check, name="conflict_check"),
    path("<slug:slug>/conflicts/check/status/", views.check_status, name="conflict_check_status"),
    path("<slug:slug>/groups/", views.groups, name="groups"),
    path("<slug:slug>/groups/<int:pk>/", views.groups, name="group_edit"),
    path("<slug:slug>/groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
