"""Editions and their configuration, read-only (common/admin.py): the committee office edits them
on its own pages, through competitions.services, audited."""

from django.contrib import admin

from wuxiao.common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Category, CommitteeMember, Criterion, Edition, Exclusion, PresentationForm, PrizeTier


class _ItemInline(ReadOnlyInline):
    ordering = ["position", "id"]


class CategoryInline(_ItemInline):
    model = Category
    fields = ["position", "name"]


class PresentationFormInline(_ItemInline):
    model = PresentationForm
    fields = ["position", "name"]


class ExclusionInline(_ItemInline):
    model = Exclusion
    fields = ["position", "number", "text"]


class CriterionInline(_ItemInline):
    model = Criterion
    fields = ["position", "name", "max_points", "description"]


class PrizeTierInline(_ItemInline):
    model = PrizeTier
    fields = ["position", "name", "count", "amount_yuan"]


class CommitteeMemberInline(_ItemInline):
    model = CommitteeMember
    fields = ["position", "body", "function", "name", "post"]


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "slug", "is_practice", "is_current", "declaration_deadline"]
    list_filter = ["is_practice", "is_current", "year"]
    search_fields = ["title", "slug", "document_number"]
    inlines = [CategoryInline, PresentationFormInline, ExclusionInline, CriterionInline, PrizeTierInline,
               CommitteeMemberInline]
