"""Reads of the import pages: whom a user may import for, and their imports."""

from django.db.models import QuerySet

from wuxiao.accounts.models import Role
from wuxiao.accounts.rules import is_committee
from wuxiao.orgs.models import Organisation, RegistrationStatus

from ..models import EntryImport

RECENT_IMPORTS = 20


def importable_units(user) -> QuerySet[Organisation]:
    """The declaring units `user` may import entries for (entries.import_for_unit), as the template lists them:
    any active one for the committee office, a recommending unit's own otherwise."""
    units = (Organisation.objects.declaring().active().exclude(registration_status=RegistrationStatus.REJECTED)
             .filter(parent__isnull=False))
    if not is_committee(user):
        units = units.filter(parent_id__in=user.unit_ids_with_role(Role.RECOMMENDER))
    return units.order_by("name")


def imports_of(user, edition) -> list[EntryImport]:
    """The user's latest imports into `edition`, newest first."""
    return list(EntryImport.objects.filter(edition=edition, uploaded_by=user)
                .order_by("-created_at", "-id")[:RECENT_IMPORTS])
