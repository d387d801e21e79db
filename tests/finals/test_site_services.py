"""Site visits (R9; issue 11 item 9): the top N proposed with a border tie decided with a reason, withdrawal,
schedule, scores stored once, photos checked to be pictures, the lock computing the visit's result."""

import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import factories
from tests.finals.helpers import final_world, make_expert
from wuxiao.accounts.models import Role
from wuxiao.common.audit import AuditLog
from wuxiao.common.exceptions import Refused
from wuxiao.finals import queries_site as sq
from wuxiao.finals import services_site as services
from wuxiao.finals.models import SitePhoto, SiteScore, SiteVisit, Slot, VisitSource

pytestmark = pytest.mark.django_db


# --- helpers shared by the site and ranking tests --------------------------------------------------

def lock_roadshow(world, results):
    """Lock each finalist's slot with the given roadshow result (None: left unlocked)."""
    for entry, result in zip(world.finalists, results):
        slot = Slot.objects.get(entry=entry)
        if result is not None:
            slot.result, slot.locked_at = Decimal(str(result)), timezone.now()
            slot.save(update_fields=["result", "locked_at"])


def visit_of(world, entry, experts=None, committee=None):
    """A scheduled visit of `entry` with `experts` (default: all the world's experts)."""
    committee = committee or factories.user_with_role(Role.COMMITTEE)
    visit = SiteVisit.objects.create(edition=world.edition, entry=entry, selected_by=committee)
    services.schedule_visit(actor=committee, visit=visit, visit_date=timezone.localdate(), start_time=None,
                            address="郑州市高新区莲花街 1 号", contact_name="王工", contact_phone="0371-67885139",
                            experts=experts if experts is not None else world.experts)
    visit.refresh_from_db()
    return visit


def items_for(world, points):
    return {str(c.pk): str(p) for c, p in zip(world.site_criteria, points)}


def jpeg_bytes(size=(40, 30), fmt="JPEG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def score(world, visit, expert, points, key=None):
    return services.submit_site_score(user=expert.user, visit=visit, items=items_for(world, points), comment="运行稳定",
                                      idempotency_key=key or uuid.uuid4())


@pytest.fixture
def world():
    return final_world(finalists=6, judges=3)


# --- proposal and selection ----------------------------------------------------------------------

def test_top_n_proposed_with_a_border_tie_flagged_and_decided_with_a_reason(world, committee):
    world.edition.site_visit_top_n = 3
    world.edition.save()
    lock_roadshow(world, [90, 85, 80, 80, 70, None])
    a, b, c, d, e, f = world.finalists
    found = sq.proposal(world.edition)
    assert [x.entry.pk for x in found.candidates if x.proposed] == [a.pk, b.pk]
    assert [x.entry.pk for x in found.border] == [c.pk, d.pk]
    assert found.seats_at_border == 1 and found.border_score == Decimal("80.00") and found.missing == 1

    made = services.create_proposed_visits(actor=committee, edition=world.edition)
    assert sorted(v.entry_id for v in made) == [a.pk, b.pk]
    assert all(v.source == VisitSource.PROPOSED for v in made)
    # The border tie is not selected automatically; deciding needs a reason.
    with pytest.raises(Refused) as refused:
        services.select_visit(actor=committee, edition=world.edition, entry=d, reason=" ")
    assert refused.value.field == "reason"
    visit = services.select_visit(actor=committee, edition=world.edition, entry=d,
                                  reason="并列第 3 名，经评委会议决定考察应用面更广的作品")
    assert visit.source == VisitSource.DECIDED and visit.selection_reason.startswith("并列第 3 名")
    log = AuditLog.objects.get(action="finals.visit_select")
    assert log.reason == visit.selection_reason and log.actor == committee
    # Created again: nothing doubled.
    assert services.create_proposed_visits(actor=committee, edition=world.edition) == []
    assert SiteVisit.objects.filter(edition=world.edition).count() == 3
    with pytest.raises(Refused):
        services.select_visit(actor=committee, edition=world.edition, entry=d, reason="again")


def test_prefill_from_the_declaring_unit_and_withdrawal_needs_a_reason(world, committee):
    unit = world.finalists[0].declaring_unit
    unit.address, unit.contact_name, unit.contact_mobile = "郑州市金水区花园路 9 号", "李主任", "13812345678"
    unit.save()
    lock_roadshow(world, [90, 85, 80, 75, 70, 60])
    services.create_proposed_visits(actor=committee, edition=world.edition)
    visit = SiteVisit.objects.get(entry=world.finalists[0])
    assert (visit.address, visit.contact_name, visit.contact_phone) == ("郑州市金水区花园路 9 号", "李主任", "13812345678")
    with pytest.raises(Refused):
        services.withdraw_visit(actor=committee, visit=visit, reason="")
    services.withdraw_visit(actor=committee, visit=visit, reason="企业停产检修，无法接待")
    visit.refresh_from_db()
    assert visit.cancelled_at and visit.cancelled_by == committee and visit.cancel_reason == "企业停产检修，无法接待"
    assert sq.proposal(world.edition).candidates[0].visit is None


def test_only_the_office_selects(world):
    lock_roadshow(world, [90, 85, 80, 75, 70, 60])
    with pytest.raises(Refused):
        services.create_proposed_visits(actor=world.experts[0].user, edition=world.edition)


# --- schedule ------------------------------------------------------------------------------------

def test_schedule_validates_the_phone_and_the_experts_and_orders_the_route(world, committee):
    v1 = visit_of(world, world.finalists[0], committee=committee)
    v2 = visit_of(world, world.finalists[1], committee=committee)
    assert (v1.route_position, v2.route_position) == (1, 2)
    assert [s.expert_id for s in sq.seats(v1)] == [e.pk for e in world.experts]
    kwargs = dict(actor=committee, visit=v1, visit_date=v1.visit_date, start_time=None, address="x",
                  contact_name="王工")
    with pytest.raises(Refused) as refused:
        services.schedule_visit(**kwargs, contact_phone="12345")
    assert refused.value.field == "contact_phone"
    other = make_expert(factories.EditionFactory(), 99)
    with pytest.raises(Refused) as refused:
        services.schedule_visit(**kwargs, contact_phone="13812345678", experts=[other])
    assert refused.value.field == "experts"
    services.move_stop(actor=committee, visit=v2, up=True)
    assert [v.pk for v in sq.day_route(world.edition, v1.visit_date)] == [v2.pk, v1.pk]


# --- scores --------------------------------------------------------------------------------------

def test_a_site_score_is_stored_once_and_a_second_is_refused(world):
    visit = visit_of(world, world.finalists[0])
    expert = world.experts[0]
    key = uuid.uuid4()
    first, created = score(world, visit, expert, [35, 25, 28], key)
    assert created and first.total == Decimal("88")
    again, created = score(world, visit, expert, [35, 25, 28], key)
    assert not created and again.pk == first.pk
    with pytest.raises(Refused) as refused:
        score(world, visit, expert, [30, 20, 20])
    assert str(refused.value.message) == str(services.SECOND_SCORE)
    assert SiteScore.objects.filter(visit=visit).count() == 1


@pytest.mark.parametrize("points, field_index", [([41, 25, 28], 0), ([35, -1, 28], 1), ([35, 25, "abc"], 2),
                                                 ([35, 25, "NaN"], 2), ([35, 25, "2.555"], 2)])
def test_out_of_range_refused_beside_the_criterion(world, points, field_index):
    visit = visit_of(world, world.finalists[0])
    with pytest.raises(Refused) as refused:
        score(world, visit, world.experts[0], points)
    assert refused.value.field == f"points_{world.site_criteria[field_index].pk}"
    assert not SiteScore.objects.exists()


def test_not_a_visiting_expert_and_after_lock_refused(world, committee):
    visit = visit_of(world, world.finalists[0], experts=world.experts[:2])
    with pytest.raises(Refused) as refused:
        score(world, visit, world.experts[2], [30, 20, 20])
    assert str(refused.value.message) == str(services.NOT_VISITING)
    score(world, visit, world.experts[0], [30, 20, 20])
    services.lock_visit(actor=committee, visit=visit, reason="另一位专家临时有事未能到场")
    with pytest.raises(Refused):
        score(world, visit, world.experts[1], [30, 20, 20])
    assert SiteScore.objects.filter(visit=visit).count() == 1


# --- photos --------------------------------------------------------------------------------------

def test_a_file_that_is_not_an_image_is_refused_with_a_message(world):
    visit = visit_of(world, world.finalists[0])
    fake = SimpleUploadedFile("现场.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(Refused) as refused:
        services.add_site_photo(user=world.experts[0].user, visit=visit, upload=fake, idempotency_key=uuid.uuid4())
    assert refused.value.field == "photo" and "JPEG" in str(refused.value.message)
    assert not SitePhoto.objects.exists()


@pytest.mark.parametrize("name, fmt", [("IMG_0001.jpg", "JPEG"), ("截图.png", "PNG")])
def test_a_real_picture_is_kept_once_per_key(world, name, fmt, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    visit = visit_of(world, world.finalists[0])
    key = uuid.uuid4()
    data = jpeg_bytes(fmt=fmt)
    photo, created = services.add_site_photo(user=world.experts[0].user, visit=visit, idempotency_key=key,
                                             upload=SimpleUploadedFile(name, data))
    again, created_again = services.add_site_photo(user=world.experts[0].user, visit=visit, idempotency_key=key,
                                                   upload=SimpleUploadedFile(name, data))
    assert created and not created_again and again.pk == photo.pk
    assert SitePhoto.objects.count() == 1 and photo.original_name == name and photo.size == len(data)
    with photo.image.open("rb") as handle:
        assert handle.read() == data


# --- lock ----------------------------------------------------------------------------------------

def test_lock_needs_every_score_or_a_reason_and_computes_the_result(world, committee):
    visit = visit_of(world, world.finalists[0])
    score(world, visit, world.experts[0], [35, 25, 28])  # 88
    score(world, visit, world.experts[1], [30, 20, 20])  # 70
    with pytest.raises(Refused) as refused:
        services.lock_visit(actor=committee, visit=visit)
    assert refused.value.field == "reason"
    score(world, visit, world.experts[2], [32, 24, 25])  # 81
    locked = services.lock_visit(actor=committee, visit=visit)
    # Three scores and the edition trims: 88 and 70 struck out, 81 remains.
    assert locked.result == Decimal("81.00") and locked.locked_by == committee


def test_lock_averages_two_scores(world, committee):
    visit = visit_of(world, world.finalists[0], experts=world.experts[:2])
    score(world, visit, world.experts[0], [35, 25, 28])  # 88
    score(world, visit, world.experts[1], [30, 20, 21.5])  # 71.5
    assert services.lock_visit(actor=committee, visit=visit).result == Decimal("79.75")
    with pytest.raises(Refused):
        services.lock_visit(actor=committee, visit=visit)
