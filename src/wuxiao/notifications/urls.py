from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:event>/", views.template_edit, name="template_edit"),
]
