"""Awards pages: prize tiers, changes, vacancies, one award with its revocation, the prize-money sheet (see
awards/urls.py)."""

from django.urls import path

from . import views_tiers as views

urlpatterns = [
    path("<slug:slug>/tiers/", views.tiers, name="tiers"),
    path("<slug:slug>/tiers/allocate", views.allocate, name="tiers_allocate"),
    path("<slug:slug>/tiers/set", views.set_tier, name="tiers_set"),
    path("<slug:slug>/tiers/tie", views.resolve_tie, name="tiers_tie"),
    path("<slug:slug>/tiers/vacancy", views.set_vacancy, name="tiers_vacancy"),
    path("<slug:slug>/award/<int:entry_id>/", views.award, name="award"),
    path("<slug:slug>/award/<int:entry_id>/revoke", views.revoke, name="award_revoke"),
    path("<slug:slug>/award/<int:entry_id>/money-return", views.money_return, name="award_money_return"),
    path("<slug:slug>/money.xlsx", views.money_sheet, name="money_sheet"),
]
