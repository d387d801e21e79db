"""The live roadshow (issue 11 items 4–8): the judge's phone, the console, the big screen, the live state."""

from django.urls import path

from . import views_live as views

urlpatterns = [
    path("judge/", views.judge_home, name="judge_home"),
    path("join/<str:token>/", views.join, name="join"),
    path("session/<int:pk>/judge/", views.judge, name="judge"),
    path("session/<int:pk>/console/", views.console, name="console"),
    path("session/<int:pk>/console/<slug:action>/", views.console_action, name="console_action"),
    path("session/<int:pk>/state/", views.live_state, name="live_state"),
    path("screen/<str:token>/", views.screen, name="screen"),
    path("screen/<str:token>/state/", views.screen_state, name="screen_state"),
]
