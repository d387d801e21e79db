from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("new/", views.unit_create, name="unit_create"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/credit-code/confirm/", views.credit_code_confirm, name="credit_code_confirm"),
    path("<int:pk>/credit-code/wrong/", views.credit_code_wrong, name="credit_code_wrong"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:pk>/accept/", views.registration_accept, name="registration_accept"),
    path("registrations/<int:pk>/reject/", views.registration_reject, name="registration_reject"),
    path("mine/", views.my_unit, name="my_unit"),
    path("mine/<int:pk>/", views.my_unit, name="my_unit"),
]
