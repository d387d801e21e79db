from django.contrib import admin
from django.urls import include, path

from wuxiao.api import api

urlpatterns = [
    path("", include("wuxiao.competitions.public_urls")),
    path("accounts/", include("wuxiao.accounts.urls")),
    path("units/", include("wuxiao.orgs.urls")),
    path("manage/", include("wuxiao.competitions.urls")),
    path("manage/audit/", include("wuxiao.common.urls")),
    path("entries/", include("wuxiao.entries.urls")),
    path("documents/", include("wuxiao.documents.urls")),
    path("screening/", include("wuxiao.screening.urls")),
    path("review/", include("wuxiao.review.urls")),
    path("finals/", include("wuxiao.finals.urls")),
    path("awards/", include("wuxiao.awards.urls")),
    path("notifications/", include("wuxiao.notifications.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
