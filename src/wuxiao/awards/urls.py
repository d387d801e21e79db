"""The awards stage's pages, under /awards/. Each part of the stage has its own module."""

from django.urls import include, path

app_name = "awards"

urlpatterns = [
    # First: "/awards/public/<slug>/" must not be taken by an office address of an edition called "public".
    path("", include("wuxiao.awards.urls_public")),  # public announcement, objection form, results
    path("", include("wuxiao.awards.urls_tiers")),  # allocation, vacancies, changes, prize money, revocation
    path("", include("wuxiao.awards.urls_announce")),  # announcement settings, calendar, objections, confirm
    path("", include("wuxiao.awards.urls_certificates")),  # certificates, seal, jobs, verification
    path("", include("wuxiao.awards.urls_overview")),  # the competition's dashboard, report, ZIP export
    # Last: "/awards/<slug>/" would otherwise take the addresses above that start with a word.
    path("", include("wuxiao.awards.urls_hub")),
]
