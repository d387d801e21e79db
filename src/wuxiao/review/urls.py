"""The second round's pages, under /review/. Each part of the stage has its own module."""

from django.urls import include, path

app_name = "review"

urlpatterns = [
    path("", include("wuxiao.review.urls_pool")),  # experts, invitations, conflicts
    path("", include("wuxiao.review.urls_assign")),  # assignment runs, matrix, publishing, second pass
    path("", include("wuxiao.review.urls_scoring")),  # rubric, expert workspace, score forms, progress
    path("", include("wuxiao.review.urls_results")),  # aggregation, flags, finalist list, exports
    # Last: "/review/<slug>/" would otherwise take the addresses above that start with a word.
    path("", include("wuxiao.review.urls_hub")),  # the office's hub of the stage
]
