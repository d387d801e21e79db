"""The final round's pages, under /finals/. Each part of the stage has its own module."""

from django.urls import include, path

app_name = "finals"

urlpatterns = [
    path("", include("wuxiao.finals.urls_schedule")),  # settings, rubric, sessions, judges, draw, notices, PDFs
    path("", include("wuxiao.finals.urls_material")),  # finalists' roadshow material, ZIP, presenter page
    path("", include("wuxiao.finals.urls_live")),  # judge's phone, console, big screen, live state
    path("", include("wuxiao.finals.urls_site")),  # site visits: proposal, schedule, phone scoring, photos
    path("", include("wuxiao.finals.urls_ranking")),  # final ranking, approval, exports
    # Last: "/finals/<slug>/" would otherwise take the addresses above that start with a word.
    path("", include("wuxiao.finals.urls_hub")),
]
