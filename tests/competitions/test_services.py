"""The services behind the pages, called directly."""

import pytest

from tests.factories import EditionFactory
from wuxiao.common.models import AuditLog
from wuxiao.competitions import services
from wuxiao.competitions.models import Category

pytestmark = pytest.mark.django_db


def test_update_edition_refuses_fields_that_are_not_editable(zhengzhou, committee):
    with pytest.raises(ValueError):
        services.update_edition(edition=zhengzhou, actor=committee, values={"slug": "x"})
    with pytest.raises(ValueError):
        services.update_edition(edition=zhengzhou, actor=committee, values={"is_current": True})


def test_update_edition_audits_changed_names_only(zhengzhou, committee):
    changed = services.update_edition(edition=zhengzhou, actor=committee,
                                      values={"roadshow_minutes": 6, "site_visit_top_n": 20})
    assert changed == ["roadshow_minutes"]
    log = AuditLog.objects.get(action="edition.update_settings")
    assert log.data == {"changed": ["roadshow_minutes"]}
    assert log.object_type == "competitions.edition" and log.object_id == str(zhengzhou.pk)


def test_update_edition_list_refuses_rows_of_another_edition(zhengzhou, committee):
    foreign = Category.objects.filter(edition=EditionFactory()).first()
    foreign.name = "被篡改"
    with pytest.raises(ValueError):
        services.update_edition_list(edition=zhengzhou, actor=committee, kind="categories", rows=[foreign],
                                     deleted=[])
    with pytest.raises(ValueError):
        services.update_edition_list(edition=zhengzhou, actor=committee, kind="categories", rows=[],
                                     deleted=[foreign])
    foreign.refresh_from_db()
    assert foreign.name != "被篡改"


def test_update_edition_list_without_change_writes_nothing(zhengzhou, committee):
    rows = list(Category.objects.filter(edition=zhengzhou))
    assert services.update_edition_list(edition=zhengzhou, actor=committee, kind="categories", rows=rows,
                                        deleted=[]) == []
    assert not AuditLog.objects.filter(action="edition.update_categories").exists()
