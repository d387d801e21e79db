"""Awards pages: the announcement (公示), objections and confirmation, for the office (see awards/urls.py)."""

from django.urls import path

from . import views_announce as views

urlpatterns = [
    path("<slug:slug>/announcement/", views.announcement, name="announcement"),
    path("<slug:slug>/announcement/settings", views.announcement_settings, name="announcement_settings"),
    path("<slug:slug>/announcement/calendar", views.calendar_mark, name="calendar_mark"),
    path("<slug:slug>/announcement/calendar/remove", views.calendar_unmark, name="calendar_unmark"),
    path("<slug:slug>/announcement/publish", views.announce, name="announce"),
    path("<slug:slug>/announcement/confirm", views.confirm, name="confirm"),
    path("<slug:slug>/objections/", views.objections, name="objections"),
    path("<slug:slug>/objections/<int:pk>/", views.objection, name="objection"),
    path("<slug:slug>/objections/<int:pk>/<slug:which>", views.objection_file, name="objection_file"),
]
