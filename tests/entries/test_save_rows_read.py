"""save_entry takes over the rows the caller's form has read (issue 8, item 18: the API's PATCH no longer reads
the category, the presentation forms and the industry twice), but only rows of the entry's own edition and
the ones named: a row from elsewhere is read again under the lock, and refused or left out as before."""

import pytest

from wuxiao.common.exceptions import InvalidInput
from wuxiao.common.models import Industry
from wuxiao.competitions.models import Category, PresentationForm
from wuxiao.entries import declaration

from .. import factories


@pytest.fixture
def other_edition(db):
    return factories.EditionFactory(slug="other-edition")


def test_rows_read_by_the_form_are_saved_without_reading_them_again(entry_of, declarer, edition,
                                                                     django_assert_num_queries):
    entry = entry_of()
    category = Category.objects.create(edition=edition, position=90, name="读过的类别")
    form = PresentationForm.objects.create(edition=edition, position=90, name="读过的形式")
    industry = Industry.objects.get(pk="3421")
    read = {"category": category, "presentation_forms": [form], "industry": industry}

    # SAVEPOINT, the lock, the declarer's memberships, UPDATE, the forms' current rows, DELETE (the factory's form)
    # and INSERT, RELEASE: no category, form or industry is read.
    with django_assert_num_queries(8):
        declaration.save_entry(actor=declarer, entry=entry, fields={}, category_id=category.pk,
                               presentation_form_ids=[form.pk], industry_code="3421", read=read)

    entry.refresh_from_db()
    assert (entry.category, entry.industry_id) == (category, "3421")
    assert list(entry.presentation_forms.all()) == [form]


def test_a_category_of_another_edition_is_refused_even_when_handed_over(entry_of, declarer, other_edition):
    entry = entry_of()
    before = entry.category_id
    foreign = Category.objects.create(edition=other_edition, position=1, name="别的赛事的类别")

    with pytest.raises(InvalidInput):
        declaration.save_entry(actor=declarer, entry=entry, fields={}, category_id=foreign.pk,
                               read={"category": foreign})

    entry.refresh_from_db()
    assert entry.category_id == before != foreign.pk


def test_presentation_forms_of_another_edition_are_left_out_even_when_handed_over(entry_of, declarer, edition,
                                                                                  other_edition):
    entry = entry_of()
    own = PresentationForm.objects.create(edition=edition, position=90, name="本届的形式")
    foreign = PresentationForm.objects.create(edition=other_edition, position=1, name="别的赛事的形式")

    declaration.save_entry(actor=declarer, entry=entry, fields={}, presentation_form_ids=[own.pk, foreign.pk],
                           read={"presentation_forms": [own, foreign]})

    assert list(entry.presentation_forms.all()) == [own]


def test_a_row_not_the_one_named_is_not_taken(entry_of, declarer, edition):
    entry = entry_of()
    named, other = (Category.objects.create(edition=edition, position=90 + i, name=f"类别{i}") for i in range(2))

    declaration.save_entry(actor=declarer, entry=entry, fields={}, category_id=named.pk, industry_code="3421",
                           read={"category": other, "industry": Industry.objects.get(pk="4411")})

    entry.refresh_from_db()
    assert (entry.category_id, entry.industry_id) == (named.pk, "3421")
