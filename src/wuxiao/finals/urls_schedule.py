"""The final round's schedule (R8): settings and rubric, sessions, judges, order (group or draw), publishing,
the PDFs, and the finalist's own slot."""

from django.urls import path

from . import views_schedule as views

urlpatterns = [
    path("mine/", views.my_finals, name="my_finals"),
    path("entry/<int:entry_id>/slot/", views.my_slot, name="my_slot"),
    path("criterion/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("criterion/<int:pk>/delete", views.criterion_delete, name="criterion_delete"),
    path("criterion/<int:pk>/move", views.criterion_move, name="criterion_move"),
    path("session/<int:pk>/", views.session, name="session"),
    path("session/<int:pk>/edit", views.session_edit, name="session_edit"),
    path("session/<int:pk>/delete", views.session_delete, name="session_delete"),
    path("session/<int:pk>/judges/add", views.judge_add, name="judge_add"),
    path("session/<int:pk>/judges/<int:judge_pk>/remove", views.judge_remove, name="judge_remove"),
    path("session/<int:pk>/finalists/add", views.finalists_add, name="finalists_add"),
    path("session/<int:pk>/slots/<int:slot_pk>/remove", views.slot_remove, name="slot_remove"),
    path("session/<int:pk>/order/group", views.order_group, name="order_group"),
    path("session/<int:pk>/order/draw", views.draw, name="draw"),
    path("session/<int:pk>/order/publish", views.publish, name="publish"),
    path("session/<int:pk>/order.pdf", views.order_pdf, name="order_pdf"),
    path("session/<int:pk>/score-sheets.pdf", views.sheets_pdf, name="sheets_pdf"),
    path("<slug:slug>/settings/", views.settings_page, name="settings"),
    path("<slug:slug>/settings/rubric/<str:stage>/add", views.criterion_add, name="criterion_add"),
    path("<slug:slug>/settings/rubric/<str:stage>/default", views.rubric_default, name="rubric_default"),
    path("<slug:slug>/sessions/", views.sessions, name="sessions"),
]
