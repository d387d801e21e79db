"""Reference data present after migrate (data migrations) and the load_refdata command."""

from io import StringIO

from django.core.management import call_command

from wuxiao.common.models import Industry
from wuxiao.orgs.models import Organisation, UnitKind
from wuxiao.orgs.refdata import COMMITTEE_OFFICE_NAME


def test_zhengzhou_district_unions_and_committee_office_exist(db):
    districts = Organisation.objects.filter(kind=UnitKind.DISTRICT_UNION)
    assert districts.count() == 16
    names = set(districts.values_list("name", flat=True))
    assert {"中原区总工会", "中牟县总工会", "巩义市总工会", "郑东新区总工会", "郑州航空港经济综合实验区总工会"} <= names
    assert Organisation.objects.get(kind=UnitKind.COMMITTEE, name=COMMITTEE_OFFICE_NAME)


def test_industry_counts(db):
    counts = {level: Industry.objects.filter(level=level).count() for level in Industry.Level.values}
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}


def test_load_refdata_is_idempotent(db):
    before = (Industry.objects.count(), Organisation.objects.count())
    out = StringIO()
    call_command("load_refdata", stdout=out)
    call_command("load_refdata", stdout=out)
    assert (Industry.objects.count(), Organisation.objects.count()) == before
    assert before[0] == 1971
    text = out.getvalue()
    assert "section=20, division=97, group=473, class=1381" in text
    assert "16 district/county unions and 1 committee office(s)" in text
