from django.contrib import admin

from .models import Category, CommitteeMember, Criterion, Edition, Exclusion, PresentationForm, PrizeTier


class _ItemInline(admin.TabularInline):
    extra = 0
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
class EditionAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "slug", "is_practice", "is_current", "declaration_deadline"]
    list_filter = ["is_practice", "is_current", "year"]
    search_fields = ["title", "slug", "document_number"]
    readonly_fields = ["copied_from", "created_at", "updated_at"]
    inlines = [CategoryInline, PresentationFormInline, ExclusionInline, CriterionInline, PrizeTierInline,
               CommitteeMemberInline]
