"""The entries app's addresses, one module per area of the declaration stage."""

from . import urls_attachments, urls_form, urls_import, urls_lists

app_name = "entries"
urlpatterns = urls_form.urlpatterns + urls_lists.urlpatterns + urls_attachments.urlpatterns + urls_import.urlpatterns
