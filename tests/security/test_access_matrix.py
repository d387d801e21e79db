"""Who gets what from every address of the site and every operation of the API (issue 8, item 16).

The addresses come from the URL resolver and the operations from the OpenAPI schema, so a new page
or operation without a row in the tables below makes test_every_address_has_a_row fail. Each row
gives, for every role in ROLES order, the answer to GET and to POST (pages) or to the operation
(API): a status code, or "L" for a redirect to the login page. The data are two recommending units,
each with a declaring unit and a draft, a submitted and a recommended entry; the sample objects are
unit A's, and test_no_unit_reaches_another_units_objects replays every address with unit B's
objects as unit A's staff, which must always be refused.
"""

import json

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from wuxiao.accounts.models import Invitation, Role
from wuxiao.api import api
from wuxiao.documents import pdf
from wuxiao.documents.models import ExportJob
from wuxiao.entries.enums import EntryStatus
from wuxiao.entries.models import Attachment, EntryImport
from wuxiao.notifications.models import Notification
from wuxiao.orgs.models import RegistrationStatus

from .. import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "declarer", "recommender", "other_declarer", "other_recommender",
         "committee", "expert", "site_admin"]
LOGIN = reverse("accounts:login")
REFUSED = {"403", "404", "405", "L"}  # 405: a POST-only address asked with GET serves nothing


# --- The data: one set for the module, rolled back at its end -------------------------------------

def _side(edition, name: str) -> dict:
    rec = factories.RecommendingUnitFactory(name=f"{name}区总工会")
    decl = factories.DeclaringUnitFactory(parent=rec, name=f"{name}区机械有限公司")
    make = factories.EntryFactory
    now = timezone.now()
    side = {
        "rec": rec, "decl": decl,
        "draft": make(edition=edition, declaring_unit=decl, status=EntryStatus.DRAFT, title=f"{name}草稿"),
        "submitted": make(edition=edition, declaring_unit=decl, status=EntryStatus.SUBMITTED, submitted_at=now,
                          title=f"{name}已提交"),
        "recommended": make(edition=edition, declaring_unit=decl, status=EntryStatus.RECOMMENDED, submitted_at=now,
                            recommendation_rank=1, title=f"{name}已推荐"),
        "new_unit": factories.DeclaringUnitFactory(parent=rec, registration_status=RegistrationStatus.NEW),
        "declarer": factories.user_with_role(Role.DECLARER, decl),
        "recommender": factories.user_with_role(Role.RECOMMENDER, rec),
    }
    side["attachment"] = Attachment.objects.create(
        entry=side["submitted"], kind="photo", original_name="照片.jpg", size=3, content_type="image/jpeg",
        file=ContentFile(b"jpg", name="photo.jpg"))
    # A checked Excel import of the recommending unit, awaiting confirmation (its file no longer reads).
    side["import"] = EntryImport.objects.create(
        edition=edition, uploaded_by=side["recommender"], original_name="线下作品.xlsx", size=8, sha256="0" * 64,
        file=ContentFile(b"not xlsx", name="import.xlsx"), preview={"problems": [], "rows": []})
    side["notification"] = Notification.objects.create(user=side["declarer"], event="entry.submit", title="通知")
    side["invitation"] = Invitation.objects.create(
        organisation=decl, role=Role.DECLARER, created_by=side["recommender"], token=Invitation.new_token(),
        expires_at=now + timezone.timedelta(days=7))
    return side


def _pool_world(edition, side, committee) -> dict:
    """review: pool — an expert (conflicted with unit A's recommended entry), an invited one, a group."""
    from wuxiao.review.models import CompanyGroup, Conflict, Expert

    expert = Expert.objects.create(edition=edition, name="矩阵专家", organisation_name="某研究院", mobile="13600090001")
    invited = Expert.objects.create(edition=edition, name="受邀专家", organisation_name="某大学", mobile="13600090002",
                                    status="invited", invitation_expires_at=timezone.now() + timezone.timedelta(days=7))
    conflict = Conflict.objects.create(edition=edition, expert=expert, entry=side["recommended"], source="office",
                                       reason="矩阵", created_by=committee)
    group = CompanyGroup.objects.create(edition=edition, name="矩阵集团", member_names="甲\n乙")
    return {"expert": expert, "invited": invited, "conflict": conflict, "group": group}


def _review_world(edition, a, b, users) -> dict:
    """The second round: each unit has an entry in it; the matrix's expert holds an accepted seat and reviews
    unit A's (published), with a photo; unit B's entry is nobody's to see but the office's."""
    from wuxiao.review.models import Expert, ReviewAssignment

    now = timezone.now()
    for side, name in ((a, "甲"), (b, "乙")):
        side["in_review"] = factories.EntryFactory(edition=edition, declaring_unit=side["decl"],
                                                   status=EntryStatus.IN_REVIEW, submitted_at=now,
                                                   recommendation_rank=2, title=f"{name}复赛作品")
        side["review_photo"] = Attachment.objects.create(
            entry=side["in_review"], kind="photo", original_name="复赛照片.jpg", size=3, content_type="image/jpeg",
            file=ContentFile(b"jpg", name="review-photo.jpg"))
    seat = Expert.objects.create(edition=edition, user=users["expert"], name="评审专家", organisation_name="某研究院",
                                 mobile="13600090003", status="accepted")
    assignment = ReviewAssignment.objects.create(edition=edition, entry=a["in_review"], expert=seat, published_at=now)
    return {"seat": seat, "assignment": assignment}


def _finals_world(edition, a, b, users, review) -> dict:
    """The final round: each unit's entry is a finalist with a slot in one published session whose only judge is
    the matrix's expert (the second round's seat), who has scored unit A's presentation; a roadshow criterion;
    each finalist's PPT; each finalist's site visit, unit A's visited by the expert."""
    import uuid
    from decimal import Decimal

    from wuxiao.finals.models import (
        FinalCriterion,
        RoadshowMaterial,
        RoadshowScore,
        RoadshowSession,
        SessionJudge,
        SiteVisit,
        Slot,
        VisitExpert,
    )

    now = timezone.now()
    session = RoadshowSession.objects.create(edition=edition, name="第一场", venue="报告厅", starts_at=now,
                                             order_published_at=now)
    judge = SessionJudge.objects.create(session=session, expert=review["seat"], seat=1)
    criterion = FinalCriterion.objects.create(edition=edition, stage="roadshow", name="创新性", max_points=30)
    for position, (side, name) in enumerate(((a, "甲"), (b, "乙")), start=1):
        side["finalist"] = factories.EntryFactory(edition=edition, declaring_unit=side["decl"],
                                                  status=EntryStatus.FINALIST, submitted_at=now,
                                                  recommendation_rank=3, title=f"{name}决赛作品")
        side["slot"] = Slot.objects.create(session=session, entry=side["finalist"], position=position)
        side["material"] = RoadshowMaterial.objects.create(
            edition=edition, entry=side["finalist"], kind="ppt", original_name="路演.pptx", size=3,
            file=ContentFile(b"ppt", name="roadshow.pptx"))
        side["visit"] = SiteVisit.objects.create(edition=edition, entry=side["finalist"])
    RoadshowScore.objects.create(slot=a["slot"], session=session, entry=a["finalist"], judge=judge,
                                 items={str(criterion.pk): "20"}, total=Decimal(20), idempotency_key=uuid.uuid4())
    VisitExpert.objects.create(visit=a["visit"], expert=review["seat"])
    return {"session": session, "judge": judge, "criterion": criterion}


def _awards_world(edition, a, b, users) -> dict:
    """The awards stage: each unit has an awarded entry in the edition's confirmed award list (from an approved
    final ranking), unit A's with a certificate and an answered objection by a named person; a job of the office."""
    from decimal import Decimal

    from wuxiao.awards.models import AwardJob, AwardList, AwardRow, Certificate, Objection
    from wuxiao.competitions.models import PrizeTier
    from wuxiao.finals.models import FinalRanking, RankingRow

    now = timezone.now()
    tier = PrizeTier.objects.create(edition=edition, name="特等奖", count=3, amount_yuan=20000)
    ranking = FinalRanking.objects.create(edition=edition, status="approved", approved_at=now)
    award_list = AwardList.objects.create(edition=edition, ranking=ranking, status="confirmed", announced_at=now,
                                          period_start=timezone.localdate(), period_end=timezone.localdate(),
                                          confirmed_at=now)
    for position, (side, name) in enumerate(((a, "甲"), (b, "乙")), start=1):
        side["awarded"] = factories.EntryFactory(edition=edition, declaring_unit=side["decl"],
                                                 status=EntryStatus.AWARDED, submitted_at=now,
                                                 recommendation_rank=4, title=f"{name}获奖作品")
        RankingRow.objects.create(ranking=ranking, entry=side["awarded"], final=Decimal(90 - position),
                                  computed_position=position, position=position)
        side["award_row"] = AwardRow.objects.create(award_list=award_list, entry=side["awarded"], position=position,
                                                    tier=tier, computed_tier=tier, amount_yuan=20000)
        side["certificate"] = Certificate.objects.create(row=side["award_row"], number=f"ZZWX-2026-TD-00{position}",
                                                         issued_on=timezone.localdate())
        side["objection"] = Objection.objects.create(
            award_list=award_list, entry=side["awarded"], number=f"YY-2026-000{position}", kind="person",
            person_name="李建伟", employer="某公司", mobile="13903710001", grounds="与已有专利相同。", evidence="专利证书。",
            letter=ContentFile(b"%PDF-1.4 letter", name="letter.pdf"), letter_name="letter.pdf")
    job = AwardJob.objects.create(edition=edition, kind="certificates", requested_by=users["committee"])
    return {"list": award_list, "tier": tier, "job": job}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    media_root, settings.MEDIA_ROOT = settings.MEDIA_ROOT, str(tmp_path_factory.mktemp("media"))
    # Who may fetch a document is the question here, not the PDF: its HTML stands in for it (10× faster).
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch, \
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        patch.setattr(pdf, "render_pdf", lambda template, context: pdf.render_html(template, context).encode())
        edition = factories.EditionFactory(is_current=True)
        a, b = _side(edition, "甲"), _side(edition, "乙")
        committee = factories.user_with_role(Role.COMMITTEE)
        committee.username = "committee-office"
        committee.save()
        users = {"declarer": a["declarer"], "recommender": a["recommender"], "other_declarer": b["declarer"],
                 "other_recommender": b["recommender"], "committee": committee,
                 "expert": factories.user_with_role(Role.EXPERT), "outsider": factories.UserFactory(),
                 "site_admin": factories.UserFactory(is_superuser=True, is_staff=True)}
        export = ExportJob.objects.create(edition=edition, requested_by=users["committee"])
        w = {"edition": edition, "A": a, "B": b, "users": users, "export": export,
             "pool": _pool_world(edition, a, committee), "review": _review_world(edition, a, b, users)}
        w["finals"] = _finals_world(edition, a, b, users, w["review"])
        w["awards"] = _awards_world(edition, a, b, users)
        yield w
        transaction.set_rollback(True)
    settings.MEDIA_ROOT = media_root


# --- Every address of the site: the resolver, and the sample arguments of each ----------------------

def _routes(patterns, namespace="", prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n) if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif pattern.name:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}" if namespace else pattern.name


ROUTES = dict(_routes(get_resolver().url_patterns))  # route → URL name
PAGES = {route: name for route, name in ROUTES.items() if not name.startswith(("api:", "admin:"))}
ADMIN = {route: name for route, name in ROUTES.items() if name.startswith("admin:")}


def sample_kwargs(route: str, w: dict, side: str = "A") -> dict:
    """The arguments of `route`'s parameters, taken from one unit's objects (`side`)."""
    s = w[side]
    slug = w["edition"].slug
    per_route = {
        "editions/<slug:slug>/": {"slug": slug},
        "accounts/password-reset/<uidb64>/<token>/": {"uidb64": "MQ", "token": "set-password"},
        "accounts/invitations/sent/<int:pk>/": {"pk": s["invitation"].pk},
        "accounts/invitations/<str:token>/": {"token": s["invitation"].token},
        "units/<int:pk>/": {"pk": s["decl"].pk},
        "units/registrations/<int:pk>/": {"pk": s["new_unit"].pk},
        "units/mine/<int:pk>/": {"pk": s["decl"].pk},
        "manage/editions/<slug:slug>/lists/<slug:kind>/": {"slug": slug, "kind": "categories"},
        "entries/<int:pk>/attachments/<slug:kind>/upload/": {"pk": s["draft"].pk, "kind": "photo"},
        "entries/<int:pk>/": {"pk": s["submitted"].pk},
        "entries/<int:pk>/edit/": {"pk": s["draft"].pk},
        "entries/<int:pk>/autosave/": {"pk": s["draft"].pk},
        "entries/<int:pk>/submit/": {"pk": s["draft"].pk},
        "entries/<int:pk>/delete/": {"pk": s["draft"].pk},
        "entries/attachments/<int:pk>/": {"pk": s["attachment"].pk},
        "entries/imports/<int:pk>/": {"pk": s["import"].pk},
        "documents/entries/<int:pk>/": {"pk": s["submitted"].pk},
        "documents/editions/<slug:slug>/blank/": {"slug": slug, "document": "entry_form", "file_type": "pdf"},
        "documents/editions/<slug:slug>/commitments/<int:unit_pk>/": {"slug": slug, "unit_pk": s["decl"].pk},
        "documents/exports/<int:pk>/": {"pk": w["export"].pk},
        "screening/entries/<int:pk>/<slug:action>/": {"pk": s["submitted"].pk, "action": "recommend"},
        "screening/entries/<int:pk>/": {"pk": s["submitted"].pk},
        "screening/<slug:slug>/units/<int:unit_pk>/": {"slug": slug, "unit_pk": s["rec"].pk},
        "screening/compare/<int:pk>/<int:other_pk>/": {"pk": s["submitted"].pk, "other_pk": s["recommended"].pk},
        "screening/review/<slug:slug>/entries/<int:pk>/": {"slug": slug, "pk": s["recommended"].pk,
                                                         "decision": "accept"},
        "notifications/<int:pk>/": {"pk": s["notification"].pk},
        "notifications/templates/<str:event>/": {"event": "entry.submit"},
        # review: scoring — the unit's entry in the second round (the matrix's expert reviews unit A's, not B's)
        # and a file of it; a score that does not exist; the reviewing expert's seat
        "review/expert/<slug:slug>/entries/<int:entry_id>/": {"slug": slug, "entry_id": s["in_review"].pk,
                                                               "attachment_id": s["review_photo"].pk},
        "review/<slug:slug>/scores/<int:score_id>/": {"slug": slug, "score_id": 9 * 10**15},
        "review/<slug:slug>/experts/<int:expert_id>/": {"slug": slug, "expert_id": w["review"]["seat"].pk},
        # review: pool
        "review/<slug:slug>/experts/<int:pk>/": {"pk": w["pool"]["expert"].pk},
        "review/<slug:slug>/conflicts/<int:pk>/": {"pk": w["pool"]["conflict"].pk},
        "review/<slug:slug>/groups/<int:pk>/": {"pk": w["pool"]["group"].pk},
        "review/invitation/<str:token>/": {"token": w["pool"]["invited"].token},
        # review: assign — a run and a pinned/forbidden pair that do not exist
        "review/<slug:slug>/assignment/runs/<int:pk>/": {"pk": 9 * 10**15},
        "review/<slug:slug>/assignment/rules/<int:pk>/": {"pk": 9 * 10**15},
        # finals: site visits and ranking (R9, R10) — each unit's visit (the expert visits A's), a photo that does not
        # exist, the roadshow sheet
        "finals/<slug:slug>/visits/<int:pk>/": {"pk": s["visit"].pk},
        "finals/visit/<int:pk>/": {"pk": s["visit"].pk},
        "finals/visit/photo/<int:pk>": {"pk": 9 * 10**15},
        "finals/<slug:slug>/ranking/<slug:kind>.<slug:fmt>": {"kind": "roadshow", "fmt": "xlsx"},
        # finals: the session (both units' finalists, the matrix's expert its judge), its slots, judge, screen;
        # a join link that does not exist (using a real one signs its judge in)
        "finals/session/<int:pk>/": {"pk": w["finals"]["session"].pk, "action": "start",
                                     "judge_pk": w["finals"]["judge"].pk, "slot_pk": s["slot"].pk},
        "finals/join/<str:token>/": {"token": "no-such-link"},
        "finals/screen/<str:token>/": {"token": w["finals"]["session"].screen_token, "pk": s["material"].pk},
        "finals/criterion/<int:pk>/": {"pk": w["finals"]["criterion"].pk},
        "finals/<slug:slug>/settings/rubric/<str:stage>/": {"stage": "roadshow"},
        "finals/entry/<int:entry_id>/": {"entry_id": s["finalist"].pk, "kind": "ppt"},
        "finals/material/<int:pk>/": {"pk": s["material"].pk},
        # awards: the unit's award (confirmed list), its objection, certificate; the office's job
        "awards/<slug:slug>/award/<int:entry_id>/": {"entry_id": s["awarded"].pk},
        "awards/<slug:slug>/objections/<int:pk>/": {"pk": s["objection"].pk, "which": "letter"},
        "awards/<slug:slug>/report.<slug:fmt>": {"fmt": "docx"},
        "awards/certificate/<str:number>.pdf": {"number": s["certificate"].number},
        "awards/job/<int:pk>/": {"pk": w["awards"]["job"].pk},
        "awards/verify/<str:token>/": {"token": s["certificate"].token},
    }
    # The longest matching prefix decides: "entries/<int:pk>/edit/" before "entries/<int:pk>/".
    for prefix in sorted(per_route, key=len, reverse=True):
        if route.startswith(prefix):
            found = dict(per_route[prefix])
            break
    else:
        found = {}
    if "<slug:slug>" in route:
        found.setdefault("slug", slug)
    names = [part.split(":")[-1].split(">")[0] for part in route.split("<")[1:]]
    return {name: found[name] for name in names}


def page_url(route: str, w: dict, side: str = "A") -> str:
    return reverse(ROUTES[route], kwargs=sample_kwargs(route, w, side))


def answer(response) -> str:
    if response.status_code == 302 and response["Location"].split("?")[0] in (LOGIN, "/admin/login/"):
        return "L"
    return str(response.status_code)


def client_for(w: dict, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(w["users"][role])
    return client


# --- The pages: GET and POST (empty form) for every role -------------------------------------------
# Rows: route → (GET answers, POST answers), one per role in ROLES order:
# anonymous outsider declarer recommender other_declarer other_recommender committee expert site_admin

PAGE_ANSWERS = {
    "": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "accounts/": ('L 200 200 200 200 200 200 200 200', 'L 200 200 200 200 200 200 200 200'),
    "accounts/password/": ('L 200 200 200 200 200 200 200 200', 'L 200 200 200 200 200 200 200 200'),
    "accounts/invitations/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "accounts/invitations/<str:token>/": ('200 200 200 200 200 200 200 200 200', '200 302 410 410 410 410 410 410 410'),
    "accounts/invitations/sent/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "accounts/login/": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "accounts/logout/": ('405 405 405 405 405 405 405 405 405', '302 302 302 302 302 302 302 302 302'),
    "accounts/password-reset/": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "accounts/password-reset/<uidb64>/<token>/": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "accounts/password-reset/complete/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "accounts/password-reset/sent/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "accounts/signup/": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "documents/commitment/": ('L 403 302 403 302 403 403 403 403', 'L 403 302 403 302 403 403 403 403'),
    "documents/editions/<slug:slug>/blank/<slug:document>.<str:file_type>": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "documents/editions/<slug:slug>/commitments/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "documents/editions/<slug:slug>/commitments/<int:unit_pk>/": ('L 403 200 403 403 403 403 403 403', 'L 403 302 403 403 403 403 403 403'),
    "documents/editions/<slug:slug>/commitments/<int:unit_pk>/commitment.pdf": ('L 403 200 200 403 403 200 403 200', 'L 403 200 200 403 403 200 403 200'),
    "documents/editions/<slug:slug>/commitments/<int:unit_pk>/scan/": ('L 403 404 404 403 403 404 403 404', 'L 403 404 404 403 403 404 403 404'),
    "documents/editions/<slug:slug>/exports/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 302 403 302'),
    "documents/entries/<int:pk>/form.docx": ('L 403 200 200 403 403 200 403 200', 'L 403 200 200 403 403 200 403 200'),
    "documents/entries/<int:pk>/form.pdf": ('L 403 200 200 403 403 200 403 200', 'L 403 200 200 403 403 200 403 200'),
    "documents/exports/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "documents/exports/<int:pk>/download/": ('L 403 403 403 403 403 404 403 404', 'L 403 403 403 403 403 404 403 404'),
    "documents/exports/<int:pk>/progress/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "editions/<slug:slug>/": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "editions/<slug:slug>/notice/": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "entries/<int:pk>/": ('L 403 200 200 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "entries/<int:pk>/attachments/": ('L 403 200 200 403 403 200 403 200', 'L 403 200 200 403 403 200 403 200'),
    "entries/<int:pk>/attachments/<slug:kind>/upload/": ('L 405 405 405 405 405 405 405 405', 'L 403 400 403 403 403 403 403 403'),
    "entries/<int:pk>/autosave/": ('405 405 405 405 405 405 405 405 405', '401 403 200 403 403 403 403 403 403'),
    "entries/<int:pk>/delete/": ('L 405 405 405 405 405 405 405 405', 'L 403 302 404 404 404 404 404 404'),
    "entries/<int:pk>/edit/": ('L 403 200 403 403 403 403 403 403', 'L 403 200 403 403 403 403 403 403'),
    "entries/<int:pk>/submit/": ('L 405 405 405 405 405 405 405 405', 'L 403 302 403 403 403 403 403 403'),
    "entries/<int:pk>/withdraw/": ('L 405 405 405 405 405 405 405 405', 'L 403 200 403 403 403 403 403 403'),
    "entries/attachments/<int:pk>/": ('L 403 200 200 403 403 200 403 200', 'L 403 200 200 403 403 200 403 200'),
    "entries/attachments/<int:pk>/delete/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 403 403 403'),
    "entries/import/<slug:slug>/": ('L 403 403 200 403 200 200 403 200', 'L 403 403 200 403 200 200 403 200'),
    "entries/import/<slug:slug>/template.xlsx": ('L 403 403 200 403 200 200 403 200', 'L 403 403 405 403 405 405 403 405'),
    "entries/imports/<int:pk>/": ('L 403 403 200 403 403 403 403 403', 'L 403 403 405 403 405 405 403 405'),
    "entries/imports/<int:pk>/confirm/": ('L 403 403 405 403 405 405 403 405', 'L 403 403 302 403 403 403 403 403'),
    "entries/imports/<int:pk>/discard/": ('L 403 403 405 403 405 405 403 405', 'L 403 403 302 403 403 403 403 403'),
    "entries/industries/options/": ('L 200 200 200 200 200 200 200 200', 'L 405 405 405 405 405 405 405 405'),
    "entries/industries/search/": ('L 200 200 200 200 200 200 200 200', 'L 405 405 405 405 405 405 405 405'),
    "entries/drafts/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "entries/list/": ('L 403 200 200 200 200 200 403 200', 'L 403 200 200 200 200 200 403 200'),
    "entries/list/entries.csv": ('L 403 200 200 200 200 200 403 200', 'L 403 200 200 200 200 200 403 200'),
    "entries/mine/": ('L 403 200 403 200 403 403 403 403', 'L 405 405 405 405 405 405 405 405'),
    "entries/new/": ('L 405 405 405 405 405 405 405 405', 'L 403 302 403 302 403 403 403 403'),
    "i18n/setlang/": ('302 302 302 302 302 302 302 302 302', '302 302 302 302 302 302 302 302 302'),
    "manage/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "manage/audit/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "manage/editions/<slug:slug>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "manage/editions/<slug:slug>/copy/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "manage/editions/<slug:slug>/edit/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "manage/editions/<slug:slug>/lists/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "manage/editions/<slug:slug>/lists/<slug:kind>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "manage/editions/<slug:slug>/set-current/": ('L 403 403 403 403 403 405 403 405', 'L 403 403 403 403 403 302 403 302'),
    "notifications/": ('L 200 200 200 200 200 200 200 200', 'L 200 200 200 200 200 200 200 200'),
    "notifications/<int:pk>/read/": ('L 405 405 405 405 405 405 405 405', 'L 404 302 404 404 404 404 404 404'),
    "notifications/read-all/": ('L 405 405 405 405 405 405 405 405', 'L 302 302 302 302 302 302 302 302'),
    "notifications/templates/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "notifications/templates/<str:event>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "screening/": ('L 403 403 302 403 302 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/<slug:slug>/quota-exceptions/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "screening/<slug:slug>/quota-exceptions/deadline/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 200 403 200'),
    "screening/<slug:slug>/units/<int:unit_pk>/": ('L 403 403 200 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/<slug:slug>/units/<int:unit_pk>/bulk/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 400 403 403 403 403 403'),
    "screening/<slug:slug>/units/<int:unit_pk>/queue.xlsx": ('L 403 403 200 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/<slug:slug>/units/<int:unit_pk>/ranks/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 200 403 403 403 403 403'),
    "screening/<slug:slug>/units/<int:unit_pk>/reopen/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 200 403 200'),
    "screening/<slug:slug>/units/<int:unit_pk>/sheet/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 200 403 403 403 403 403'),
    "screening/<slug:slug>/units/<int:unit_pk>/sheet/download/": ('L 403 403 404 403 403 404 403 404', 'L 405 405 405 405 405 405 405 405'),
    "screening/<slug:slug>/units/<int:unit_pk>/submit/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 200 403 403 403 403 403'),
    "screening/<slug:slug>/units/<int:unit_pk>/summary.pdf": ('L 403 403 200 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/<slug:slug>/units/<int:unit_pk>/summary.xlsx": ('L 403 403 200 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/compare/<int:pk>/<int:other_pk>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/entries/<int:pk>/": ('L 403 403 200 403 403 403 403 403', 'L 405 405 405 405 405 405 405 405'),
    "screening/entries/<int:pk>/<slug:action>/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 200 403 403 403 403 403'),
    "screening/flags/<slug:slug>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/flags/<slug:slug>/recompute/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "screening/overview/<slug:slug>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/overview/<slug:slug>/citywide.xlsx": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/quota-exceptions/": ('L 403 403 403 403 403 302 403 302', 'L 403 403 403 403 403 302 403 302'),
    "screening/review/<slug:slug>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "screening/review/<slug:slug>/bulk/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "screening/review/<slug:slug>/entries/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    # The sample entry has no stamped scans: accepting it without the confirmation and a reason is refused (400).
    "screening/review/<slug:slug>/entries/<int:pk>/<slug:decision>/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "screening/review/<slug:slug>/queue.xlsx": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    # review: pool (second round: experts, invitations, conflicts, settings). An expert without a seat in the
    # edition has no withdraw page (404); the invitation link answers everyone; the group is deleted by the first.
    "review/<slug:slug>/conflicts/": ('L 403 403 403 403 403 200 403 200', '405 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/conflicts/<int:pk>/lift/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/conflicts/add/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/conflicts/check/": ('405 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/conflicts/check/status/": ('L 403 403 403 403 403 200 403 200', '405 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/experts/": ('L 403 403 403 403 403 200 403 200', '405 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/experts/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/experts/add/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/experts/import/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/experts/import/confirm/": ('405 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/experts/import/template/": ('L 403 403 403 403 403 200 403 200', '405 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/experts/invite/": ('405 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/groups/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/groups/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/groups/<int:pk>/delete/": ('405 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 404'),
    "review/<slug:slug>/settings/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "review/<slug:slug>/withdraw/": ('L 404 404 404 404 404 404 200 404', 'L 404 404 404 404 404 404 200 404'),
    "review/invitation/<str:token>/": ('200 200 200 200 200 200 200 200 200', '200 200 200 200 200 200 200 200 200'),
    "units/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "units/<int:pk>/": ('L 403 200 200 403 403 200 403 200', 'L 403 200 200 403 403 200 403 200'),
    "units/<int:pk>/credit-code/confirm/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 200 403 200'),
    "units/<int:pk>/credit-code/wrong/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 200 403 200'),
    "units/<int:pk>/edit/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "units/mine/": ('L 403 200 403 200 403 403 403 403', 'L 403 200 403 200 403 403 403 403'),
    "units/mine/<int:pk>/": ('L 403 200 403 403 403 403 403 403', 'L 403 200 403 403 403 403 403 403'),
    "units/new/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 200 403 200'),
    "units/registrations/": ('L 403 403 200 403 200 200 403 200', 'L 403 403 200 403 200 200 403 200'),
    "units/registrations/<int:pk>/accept/": ('L 405 405 405 405 405 405 405 405', 'L 403 403 302 403 403 302 403 302'),
    "units/registrations/<int:pk>/reject/": ('L 403 403 200 403 403 200 403 200', 'L 403 403 200 403 403 200 403 200'),
    # review: scoring (an entry nobody reviews: 404 for everyone, never the data)
    "review/<slug:slug>/experts/<int:expert_id>/score-sheet.pdf": ('L 404 404 404 404 404 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/progress/": ('L 403 403 403 403 403 200 403 200', '405 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/progress/remind/": ('405 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/rubric/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/rubric/reopen/": ('405 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "review/<slug:slug>/scores/<int:score_id>/reopen/": ('L 403 403 403 403 403 404 403 404', 'L 403 403 403 403 403 404 403 404'),
    "review/expert/": ('L 403 403 403 403 403 403 302 403', '405 405 405 405 405 405 405 405 405'),
    "review/expert/<slug:slug>/": ('L 403 403 403 403 403 403 200 403', '405 405 405 405 405 405 405 405 405'),
    "review/expert/<slug:slug>/entries/<int:entry_id>/": ('L 404 404 404 404 404 404 200 404', 'L 404 404 404 404 404 404 400 404'),
    "review/expert/<slug:slug>/entries/<int:entry_id>/conflict/": ('L 404 404 404 404 404 404 200 404', 'L 404 404 404 404 404 404 400 404'),
    "review/expert/<slug:slug>/entries/<int:entry_id>/files/<int:attachment_id>/": ('L 404 404 404 404 404 404 200 404', '405 405 405 405 405 405 405 405 405'),
    "review/expert/<slug:slug>/entries/<int:entry_id>/save/": ('405 405 405 405 405 405 405 405 405', 'L 404 404 404 404 404 404 200 404'),
    "review/expert/<slug:slug>/score-sheet.pdf": ('L 403 403 403 403 403 403 200 403', '405 405 405 405 405 405 405 405 405'),
    # review: assign, results and the hub (second round)
    "review/<slug:slug>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/assignment/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 409 403 409'),
    "review/<slug:slug>/assignment/edit/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "review/<slug:slug>/assignment/entries/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 405 403 405'),
    "review/<slug:slug>/assignment/experts/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 405 403 405'),
    "review/<slug:slug>/assignment/publish/": ('L 403 403 403 403 403 405 403 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/assignment/reassign/": ('L 403 403 403 403 403 405 403 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/assignment/rules/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "review/<slug:slug>/assignment/rules/<int:pk>/delete/": ('L 403 403 403 403 403 405 403 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/assignment/runs/<int:pk>/progress/": ('L 403 403 403 403 403 404 403 404', 'L 403 403 403 403 403 405 403 405'),
    "review/<slug:slug>/assignment/second-pass/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "review/<slug:slug>/finalists/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/finalists/approve": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "review/<slug:slug>/finalists/change": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "review/<slug:slug>/finalists/list.pdf": ('L 403 403 403 403 403 404 403 404', 'L 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/finalists/list.xlsx": ('L 403 403 403 403 403 404 403 404', 'L 405 405 405 405 405 405 405 405'),
    # finals: live (a session that does not exist; tests/finals/test_live_pages.py checks the real ones)
    "review/<slug:slug>/finalists/progress/": ('L 403 403 403 403 403 404 403 404', 'L 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/finalists/propose": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/finalists/resume": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "review/<slug:slug>/results/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "review/<slug:slug>/results/summary.xlsx": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    # finals: site visits (R9) and the final ranking (R10): the office's pages; the visiting expert's phone pages
    # answer 404 to anyone who does not visit the (here non-existent) visit
    # finals (R8–R10): the session of both units' finalists (the matrix's expert judges it and visits unit A's)
    "finals/<slug:slug>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/announcement/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/announcement/calendar": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/announcement/calendar/remove": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "awards/<slug:slug>/announcement/confirm": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/announcement/publish": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "awards/<slug:slug>/announcement/settings": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/award/<int:entry_id>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/award/<int:entry_id>/money-return": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/award/<int:entry_id>/revoke": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/bundle": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "awards/<slug:slug>/certificates/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/certificates/generate": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "awards/<slug:slug>/certificates/preview.pdf": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/money.xlsx": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/objections/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/objections/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/objections/<int:pk>/<slug:which>": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/overview/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/report.<slug:fmt>": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/tiers/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/<slug:slug>/tiers/allocate": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "awards/<slug:slug>/tiers/set": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/tiers/tie": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/<slug:slug>/tiers/vacancy": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "awards/certificate/<str:number>.pdf": ('L 403 200 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/job/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/job/<int:pk>/download/": ('L 403 403 403 403 403 404 403 404', 'L 405 405 405 405 405 405 405 405'),
    "awards/job/<int:pk>/progress/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "awards/public/<slug:slug>/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "awards/public/<slug:slug>/object/": ('200 200 200 200 200 200 200 200 200', '400 400 400 400 400 400 400 400 400'),
    "awards/public/<slug:slug>/object/received": ('302 302 302 302 302 302 302 302 302', '405 405 405 405 405 405 405 405 405'),
    "awards/verify/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "awards/verify/<str:token>/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "finals/<slug:slug>/material/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/<slug:slug>/ranking/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/<slug:slug>/ranking/<slug:kind>.<slug:fmt>": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/<slug:slug>/ranking/approve": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/<slug:slug>/ranking/compute": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/<slug:slug>/ranking/move": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/<slug:slug>/sessions/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "finals/<slug:slug>/settings/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "finals/<slug:slug>/settings/rubric/<str:stage>/add": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/<slug:slug>/settings/rubric/<str:stage>/default": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/<slug:slug>/visits/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/<slug:slug>/visits/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 302 403 302'),
    "finals/<slug:slug>/visits/<int:pk>/lock": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/<slug:slug>/visits/<int:pk>/move": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/<slug:slug>/visits/<int:pk>/withdraw": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/<slug:slug>/visits/create": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/<slug:slug>/visits/route.pdf": ('L 403 403 403 403 403 404 403 404', 'L 405 405 405 405 405 405 405 405'),
    "finals/<slug:slug>/visits/route/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/<slug:slug>/visits/select": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/criterion/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 403 403 403 403 403 400 403 400'),
    "finals/criterion/<int:pk>/delete": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/criterion/<int:pk>/move": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/entry/<int:entry_id>/material/": ('L 403 200 403 403 403 403 403 403', 'L 405 405 405 405 405 405 405 405'),
    "finals/entry/<int:entry_id>/material/<str:kind>/upload": ('L 405 405 405 405 405 405 405 405', 'L 403 400 403 403 403 403 403 403'),
    "finals/entry/<int:entry_id>/slot/": ('L 403 200 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/expert/": ('L 403 403 403 403 403 403 200 403', 'L 405 405 405 405 405 405 405 405'),
    "finals/join/<str:token>/": ('404 404 404 404 404 404 404 404 404', '404 404 404 404 404 404 404 404 404'),
    "finals/judge/": ('L 403 403 403 403 403 403 200 403', '405 405 405 405 405 405 405 405 405'),
    "finals/material/<int:pk>/file": ('L 403 200 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/mine/": ('L 200 200 200 200 200 200 200 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/screen/<str:token>/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "finals/screen/<str:token>/presenter/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "finals/screen/<str:token>/presenter/<int:pk>/file": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "finals/screen/<str:token>/state/": ('200 200 200 200 200 200 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "finals/session/<int:pk>/": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/session/<int:pk>/console/": ('L 403 403 403 403 403 200 403 200', '405 405 405 405 405 405 405 405 405'),
    "finals/session/<int:pk>/console/<slug:action>/": ('405 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/session/<int:pk>/delete": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/session/<int:pk>/edit": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/session/<int:pk>/finalists/add": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/session/<int:pk>/judge/": ('L 403 403 403 403 403 403 200 403', '405 405 405 405 405 405 405 405 405'),
    "finals/session/<int:pk>/judges/<int:judge_pk>/remove": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/session/<int:pk>/judges/add": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 400 403 400'),
    "finals/session/<int:pk>/material.zip": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/session/<int:pk>/order.pdf": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/session/<int:pk>/order/draw": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/session/<int:pk>/order/group": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/session/<int:pk>/order/publish": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/session/<int:pk>/score-sheets.pdf": ('L 403 403 403 403 403 200 403 200', 'L 405 405 405 405 405 405 405 405'),
    "finals/session/<int:pk>/slots/<int:slot_pk>/remove": ('L 405 405 405 405 405 405 405 405', 'L 403 403 403 403 403 302 403 302'),
    "finals/session/<int:pk>/state/": ('403 403 403 403 403 403 200 200 200', '405 405 405 405 405 405 405 405 405'),
    "finals/visit/<int:pk>/photo": ('L 405 405 405 405 405 405 405 405', 'L 404 404 404 404 404 404 409 404'),
    "finals/visit/<int:pk>/score/": ('L 404 404 404 404 404 404 200 404', 'L 405 405 405 405 405 405 405 405'),
    "finals/visit/<int:pk>/score/state": ('L 404 404 404 404 404 404 200 404', 'L 405 405 405 405 405 405 405 405'),
    "finals/visit/<int:pk>/score/submit": ('L 405 405 405 405 405 405 405 405', 'L 404 404 404 404 404 404 400 404'),
    "finals/visit/photo/<int:pk>": ('L 404 404 404 404 404 404 404 404', 'L 405 405 405 405 405 405 405 405'),
    "finals/visits/mine/": ('L 403 403 403 403 403 403 200 403', 'L 403 403 403 403 403 403 405 403'),
}


def observed(w, url: str, method: str) -> str:
    answers = []
    for role in ROLES:
        client = client_for(w, role)
        response = client.get(url) if method == "GET" else client.post(url, {})
        answers.append(answer(response))
    return " ".join(answers)


@pytest.mark.parametrize("route", sorted(PAGES))
def test_pages(world, route):
    url = page_url(route, world)
    got = (observed(world, url, "GET"), observed(world, url, "POST"))
    assert route in PAGE_ANSWERS, f'no row for a new page: "{route}": {got!r},'
    assert got == PAGE_ANSWERS[route], f'{url}: "{route}": {got!r},'


# --- The API: every operation of the schema ----------------------------------------------------------

SCHEMA = api.get_openapi_schema()
OPERATIONS = {f"{method.upper()} {path}": op for path, ops in SCHEMA["paths"].items() for method, op in ops.items()}

# A valid body for each operation that takes one, so that the answer is about the caller, not the input.
BODIES = {
    "POST /api/auth/token": {"login": "committee-office", "password": "pass-word-123"},
    "POST /api/entries": {"title": "新作品"},
    "PATCH /api/entries/{entry_id}": {"title": "新标题"},
    "POST /api/entries/{entry_id}/return": {"reason": "请补充材料。"},
    "POST /api/entries/{entry_id}/recommend": {"opinion": "同意推荐。"},
    "POST /api/entries/{entry_id}/not-recommend": {"reason": "不符合要求。"},
    "POST /api/entries/{entry_id}/unrecommend": {"reason": "撤回。"},
    "POST /api/screening/{slug}/units/{unit_id}/batch/submit": {"version": 0, "not_recommend": [], "reason": ""},
    "POST /api/entries/{entry_id}/accept": {"confirm_failed_checks": True, "reason": "盖章材料已核验。"},
    "POST /api/screening/{slug}/units/{unit_id}/batch/reopen": {"version": 0, "reason": "重新审核。"},
    "POST /api/entries/{entry_id}/withdraw": {"reason": "发现材料有误，撤回修改。"},
    "POST /api/entries/{entry_id}/declare-ineligible": {"rule": "R1", "reason": "不符合。"},
    "POST /api/entries/{entry_id}/request-correction": {"reason": "请补正。", "due_date": "2099-01-01"},
    # An entry that does not exist: the answer is about the caller; the world stays as it is.
    "POST /api/screening/{slug}/units/{unit_id}/bulk": {"action": "return", "entry_ids": [9 * 10**15],
                                                        "reason": "请补充材料。"},
    "POST /api/review/{slug}/bulk": {"action": "accept", "entry_ids": [9 * 10**15]},
    # review: scoring
    # The matrix's expert reviews unit A's entry: inputs refused (a criterion of no rubric, no reason), so that
    # the world stays as it is (no draft locks the rubric, no declared conflict hides the entry).
    "PUT /api/review/expert/{slug}/entries/{entry_id}/score": {"points": {str(9 * 10**15): 5}},
    "POST /api/review/expert/{slug}/entries/{entry_id}/submit": {"points": {}},
    "POST /api/review/expert/{slug}/entries/{entry_id}/conflict": {"reason": ""},
    "PUT /api/review/{slug}/rubric": {"criteria": []},
    "POST /api/review/{slug}/rubric/reopen": {"reason": "修订"},
    "POST /api/review/{slug}/scores/{score_id}/reopen": {"reason": "复核"},
    "POST /api/review/{slug}/reminders": {},
    # review: pool — inputs the form refuses (422) or objects that do not exist: the answer is about the caller.
    "POST /api/review/{slug}/experts": {"name": "某专家", "organisation_name": "某单位", "mobile": "13600090009",
                                        "fields": [{"code": "9999"}]},
    "PATCH /api/review/{slug}/experts/{expert_id}": {"load_min": 5, "load_max": 3},
    "PATCH /api/review/{slug}/settings": {"reviews_per_entry": 0},
    "POST /api/review/{slug}/conflicts": {"expert_id": 9 * 10**15, "entry_id": 9 * 10**15, "reason": "某"},
    "POST /api/review/{slug}/conflicts/{conflict_id}/lift": {"reason": ""},
    "POST /api/review/{slug}/invitations": {"expert_ids": [9 * 10**15]},
    # review: assign and results — valid inputs naming objects of the world, so that the answer is about the caller
    "POST /api/review/{slug}/assignment/runs": {"seed": 20250401},
    "POST /api/review/{slug}/assignment/pairs": {"entry": 9 * 10**15, "add_expert": 9 * 10**15},
    "POST /api/review/{slug}/assignment/rules": {"entry": 9 * 10**15, "expert": 9 * 10**15, "kind": "forbid",
                                                 "reason": "亲属关系"},
    "POST /api/review/{slug}/assignment/second-pass": {"entries": [9 * 10**15], "extra": 2},
    "POST /api/review/{slug}/finalists/change": {"entry": 9 * 10**15, "selected": True, "reason": "并列"},
    "POST /api/review/{slug}/finalists/approve": {"note": "批准"},
    # finals: site visits and ranking (R9, R10) — an entry or a visit that does not exist; the ranking is the approved
    # one the awards stage allocated from (so a move or an approval is refused by its state)
    "POST /api/finals/{slug}/visits/select": {"entry": 9 * 10**15, "reason": "并列"},
    "POST /api/finals/{slug}/visits/{visit_id}/withdraw": {"reason": "停产"},
    "POST /api/finals/{slug}/visits/{visit_id}/schedule": {"contact_phone": "13812345678"},
    "POST /api/finals/{slug}/visits/{visit_id}/lock": {"reason": "缺席"},
    "POST /api/finals/site-visits/{visit_id}/score": {"items": {}, "idempotency_key": "7d1c2f3e-0000-4000-8000-000000000001"},
    "POST /api/finals/{slug}/ranking/move": {"entry": 9 * 10**15, "position": 1, "reason": "会议决定"},
    "POST /api/finals/{slug}/ranking/approve": {"note": "批准"},
    # finals: live (a session that does not exist: the answer is about the caller)
    # finals: schedule — a session, a judge or finalist that does not exist, a criterion, the settings
    "POST /api/finals/{slug}/sessions": {"name": "第二场", "starts_at": "2025-06-01T09:00:00+08:00", "venue": "报告厅"},
    "PUT /api/finals/sessions/{session_id}": {"name": "第一场", "starts_at": "2025-06-01T09:00:00+08:00",
                                              "venue": "报告厅"},
    "POST /api/finals/sessions/{session_id}/judges": {"expert_id": 9 * 10**15},
    "POST /api/finals/sessions/{session_id}/slots": {"entry_ids": [9 * 10**15]},
    "POST /api/finals/{slug}/rubric/{stage}/criteria": {"name": "实用性", "max_points": 20},
    "PUT /api/finals/{slug}/criteria/{criterion_id}": {"name": "创新性", "max_points": 30},
    "POST /api/finals/{slug}/criteria/{criterion_id}/move": {"up": True},
    "PUT /api/finals/{slug}/settings": {"qa_minutes": 3},
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/lock": {"reason": ""},
    "POST /api/finals/sessions/{session_id}/scores/{score_id}/clear": {"reason": "误输"},
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/scores": {
        "items": {}, "idempotency_key": "5f0c8a5e-2f55-4a8e-9f5e-0c1d2e3f4a5b"},
    # awards: valid inputs on the confirmed list (so refused by its state, or by a date in the future: the world
    # stays as it is)
    "POST /api/awards/{slug}/tiers/rows/{entry_id}": {"tier": "特等奖", "reason": "会议决定"},
    "POST /api/awards/{slug}/tiers/rows/{entry_id}/tie": {"reason": "会议决定"},
    "POST /api/awards/{slug}/tiers/vacancies": {"tier": "特等奖", "vacant": 1, "reason": "空缺"},
    "POST /api/awards/{slug}/awards/{entry_id}/revoke": {"reason": "弄虚作假", "decided_on": "2099-01-01"},
    "POST /api/awards/{slug}/awards/{entry_id}/money-return": {"returned_on": "2026-01-01", "amount_yuan": 1},
    "PUT /api/awards/{slug}/announcement/settings": {"announcement_working_days": 5, "objection_contact": "电话"},
    "POST /api/awards/{slug}/announcement/calendar": {"date": "2026-10-01", "kind": "holiday", "note": "国庆"},
    "POST /api/awards/{slug}/objections/{objection_id}/answer": {"finding": "不成立", "answer": "维持",
                                                                 "outcome": "rejected"},
    "POST /api/awards/{slug}/confirm": {"note": ""},
}


def api_url(key: str, w: dict, side: str = "A") -> str:
    s = w[side]
    path = key.split(" ", 1)[1]
    values = {"{slug}": w["edition"].slug, "{entry_id}": s["submitted"].pk, "{attachment_id}": s["attachment"].pk,
              "{score_id}": 9 * 10**15,  # review: scoring
              "{unit_id}": s["rec"].pk if path.startswith("/api/screening/") else s["decl"].pk,
              "{expert_id}": w["pool"]["expert"].pk, "{conflict_id}": w["pool"]["conflict"].pk,
              "{run_id}": 9 * 10**15, "{rule_id}": 9 * 10**15,  # review: assign (none exists)
              # finals: the unit's visit, slot and finalist; the one session, judge and criterion
              "{visit_id}": s["visit"].pk, "{session_id}": w["finals"]["session"].pk, "{slot_id}": s["slot"].pk,
              "{judge_id}": w["finals"]["judge"].pk, "{criterion_id}": w["finals"]["criterion"].pk,
              "{stage}": "roadshow"}
    if path.startswith("/api/review/expert/"):  # the unit's entry in the second round
        values["{entry_id}"] = s["in_review"].pk
    if path.startswith("/api/finals/"):
        values["{entry_id}"] = s["finalist"].pk
    if path.startswith("/api/awards/"):  # the unit's award, its objection and certificate; the office's job
        values.update({"{entry_id}": s["awarded"].pk, "{objection_id}": s["objection"].pk,
                       "{job_id}": w["awards"]["job"].pk, "{token}": s["certificate"].token, "{day}": "2026-10-01"})
    for name, value in values.items():
        path = path.replace(name, str(value))
    if key == "POST /api/entries/{entry_id}/attachments":
        path += "?kind=photo"
    if key == "POST /api/finals/entries/{entry_id}/material":
        path += "?kind=ppt"
    return path


def api_answers(w, key: str, side: str = "A", roles=ROLES) -> str:
    method = key.split(" ", 1)[0]
    answers = []
    for role in roles:
        client = client_for(w, role)
        body = json.dumps(BODIES[key]) if key in BODIES else ""
        response = client.generic(method, api_url(key, w, side), body, content_type="application/json")
        answers.append(str(response.status_code))
    return " ".join(answers)


# Rows: "METHOD path" → answers, one per role in ROLES order (as above).
API_ANSWERS = {
    "DELETE /api/awards/{slug}/announcement/calendar/{day}": '401 403 403 403 403 403 409 403 409',
    "GET /api/awards/jobs/{job_id}": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/verify": '422 422 422 422 422 422 422 422 422',
    "GET /api/awards/verify/{token}": '200 200 200 200 200 200 200 200 200',
    "GET /api/awards/{slug}/announcement/calendar": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/announcement/settings": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/certificates": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/objections": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/objections/{objection_id}": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/overview": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/public": '200 200 200 200 200 200 200 200 200',
    "GET /api/awards/{slug}/report.docx": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/report.pdf": '401 403 403 403 403 403 200 403 200',
    "GET /api/awards/{slug}/tiers": '401 403 403 403 403 403 200 403 200',
    "POST /api/awards/{slug}/announce": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/announcement/calendar": '401 403 403 403 403 403 201 403 409',
    "POST /api/awards/{slug}/awards/{entry_id}/money-return": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/awards/{entry_id}/revoke": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/bundle": '401 403 403 403 403 403 202 403 202',
    "POST /api/awards/{slug}/certificates/issue": '401 403 403 403 403 403 202 403 202',
    "POST /api/awards/{slug}/confirm": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/objections/{objection_id}/answer": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/tiers/allocate": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/tiers/rows/{entry_id}": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/tiers/rows/{entry_id}/tie": '401 403 403 403 403 403 409 403 409',
    "POST /api/awards/{slug}/tiers/vacancies": '401 403 403 403 403 403 409 403 409',
    "PUT /api/awards/{slug}/announcement/settings": '401 403 403 403 403 403 200 403 200',
    "DELETE /api/auth/token": '401 401 401 401 401 401 401 401 401',
    "DELETE /api/entries/{entry_id}/attachments/{attachment_id}": '401 403 409 403 403 403 403 403 403',
    "GET /api/editions": '200 200 200 200 200 200 200 200 200',
    "GET /api/editions/current": '200 200 200 200 200 200 200 200 200',
    "GET /api/editions/{slug}": '200 200 200 200 200 200 200 200 200',
    "GET /api/entries": '401 403 200 200 200 200 200 403 200',
    "GET /api/entries/{entry_id}": '401 403 200 200 403 403 200 403 200',
    "GET /api/entries/{entry_id}/attachments": '401 403 200 200 403 403 200 403 200',
    "GET /api/entries/{entry_id}/attachments/{attachment_id}/file": '401 403 200 200 403 403 200 403 200',
    "GET /api/entries/{entry_id}/documents/form.docx": '401 403 200 200 403 403 200 403 200',
    "GET /api/entries/{entry_id}/documents/form.pdf": '401 403 200 200 403 403 200 403 200',
    "GET /api/entries/{entry_id}/flags": '401 403 403 403 403 403 200 403 200',
    "GET /api/entries/{entry_id}/problems": '401 403 200 200 403 403 200 403 200',
    "GET /api/me": '401 200 200 200 200 200 200 200 200',
    "GET /api/review/{slug}/entries": '401 403 403 403 403 403 200 403 200',
    # review: pool
    "GET /api/review/{slug}/conflict-check": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/conflicts": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/experts": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/experts/{expert_id}": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/settings": '401 403 403 403 403 403 200 403 200',
    "PATCH /api/review/{slug}/experts/{expert_id}": '401 403 403 403 403 403 422 403 422',
    "PATCH /api/review/{slug}/settings": '401 403 403 403 403 403 422 403 422',
    "POST /api/review/{slug}/conflict-check": '401 403 403 403 403 403 202 403 202',
    "POST /api/review/{slug}/conflicts": '401 403 403 403 403 403 404 403 404',
    "POST /api/review/{slug}/conflicts/{conflict_id}/lift": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/experts": '401 403 403 403 403 403 422 403 422',
    "POST /api/review/{slug}/invitations": '401 403 403 403 403 403 422 403 422',
    "GET /api/screening/{slug}/units/{unit_id}/batch": '401 403 403 200 403 403 200 403 200',
    "GET /api/screening/{slug}/units/{unit_id}/entries": '401 403 403 200 403 403 200 403 200',
    "GET /api/units": '401 403 200 200 200 200 200 403 200',
    "GET /api/units/recommending": '200 200 200 200 200 200 200 200 200',
    "GET /api/units/{unit_id}": '401 403 200 200 403 403 200 403 200',
    "PATCH /api/entries/{entry_id}": '401 403 409 403 403 403 403 403 403',
    "POST /api/auth/token": '201 201 201 201 201 201 201 201 201',
    "POST /api/entries": '401 403 201 403 201 403 403 403 403',
    "POST /api/entries/{entry_id}/accept": '401 403 403 403 403 403 409 403 409',
    "POST /api/entries/{entry_id}/attachments": '401 403 409 403 403 403 403 403 403',
    "POST /api/entries/{entry_id}/declare-ineligible": '401 403 403 403 403 403 409 403 409',
    "POST /api/entries/{entry_id}/not-recommend": '401 403 403 200 403 403 403 403 403',
    "POST /api/entries/{entry_id}/recommend": '401 403 403 200 403 403 403 403 403',
    "POST /api/entries/{entry_id}/request-correction": '401 403 403 403 403 403 409 403 409',
    "POST /api/entries/{entry_id}/return": '401 403 403 200 403 403 403 403 403',
    "POST /api/entries/{entry_id}/submit": '401 403 409 403 403 403 403 403 403',
    "POST /api/entries/{entry_id}/unrecommend": '401 403 403 409 403 403 403 403 403',
    "POST /api/entries/{entry_id}/withdraw": '401 403 200 403 403 403 403 403 403',
    "POST /api/review/{slug}/bulk": '401 403 403 403 403 403 200 403 200',
    "POST /api/screening/{slug}/units/{unit_id}/batch/reopen": '401 403 403 403 403 403 409 403 409',
    "POST /api/screening/{slug}/units/{unit_id}/batch/submit": '401 403 403 409 403 403 403 403 403',
    "POST /api/screening/{slug}/units/{unit_id}/bulk": '401 403 403 200 403 403 403 403 403',
    # review: scoring
    "GET /api/review/expert/editions": '401 403 403 403 403 403 403 200 403',
    "GET /api/review/expert/{slug}/assignments": '401 403 403 403 403 403 403 200 403',
    "GET /api/review/expert/{slug}/entries/{entry_id}": '401 404 404 404 404 404 404 200 404',
    "GET /api/review/expert/{slug}/entries/{entry_id}/score": '401 404 404 404 404 404 404 200 404',
    "GET /api/review/{slug}/rubric": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/scoring-progress": '401 403 403 403 403 403 200 403 200',
    "POST /api/review/expert/{slug}/entries/{entry_id}/conflict": '401 404 404 404 404 404 404 409 404',
    "POST /api/review/expert/{slug}/entries/{entry_id}/submit": '401 404 404 404 404 404 404 422 404',
    "POST /api/review/{slug}/reminders": '401 403 403 403 403 403 200 403 200',
    "POST /api/review/{slug}/rubric/reopen": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/scores/{score_id}/reopen": '401 403 403 403 403 403 404 403 404',
    "PUT /api/review/expert/{slug}/entries/{entry_id}/score": '401 404 404 404 404 404 404 409 404',
    "PUT /api/review/{slug}/rubric": '401 403 403 403 403 403 200 403 200',
    # review: assign, results and the hub (second round)
    "DELETE /api/review/{slug}/assignment/rules/{rule_id}": '401 403 403 403 403 403 409 403 409',
    "GET /api/review/{slug}/assignment/needing-reassignment": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/assignment/pairs": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/assignment/rules": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/assignment/runs/{run_id}": '401 403 403 403 403 403 404 403 404',
    "GET /api/review/{slug}/assignment/second-pass": '401 403 403 403 403 403 200 403 200',
    "GET /api/review/{slug}/finalists": '401 403 403 403 403 403 404 403 404',
    "GET /api/review/{slug}/results": '401 403 403 403 403 403 200 403 200',
    "POST /api/review/{slug}/assignment/publish": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/assignment/reassign": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/finalists/propose": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/assignment/pairs": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/assignment/rules": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/assignment/runs": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/assignment/second-pass": '401 403 403 403 403 403 409 403 409',
    "POST /api/review/{slug}/finalists/approve": '401 403 403 403 403 403 404 403 404',
    "POST /api/review/{slug}/finalists/change": '401 403 403 403 403 403 404 403 404',
    # finals: site visits and ranking (R9, R10)
    # finals: live (a session that does not exist; tests/finals/test_live_api.py checks the real ones)
    # finals (R8–R10)
    "DELETE /api/finals/sessions/{session_id}/judges/{judge_id}": '401 403 403 403 403 403 409 403 409',
    "DELETE /api/finals/sessions/{session_id}/slots/{slot_id}": '401 403 403 403 403 403 409 403 409',
    "DELETE /api/finals/{slug}/criteria/{criterion_id}": '401 403 403 403 403 403 409 403 409',
    "GET /api/finals/entries/{entry_id}/material": '401 404 200 404 404 404 200 404 200',
    "GET /api/finals/sessions/{session_id}": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/sessions/{session_id}/draw": '401 403 403 403 403 403 404 403 404',
    "GET /api/finals/sessions/{session_id}/material": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/sessions/{session_id}/slots/{slot_id}/scores": '401 404 404 404 404 404 200 200 200',
    "GET /api/finals/sessions/{session_id}/state": '401 404 404 404 404 404 200 200 200',
    "GET /api/finals/site-visits/mine": '401 403 403 403 403 403 403 200 403',
    "GET /api/finals/{slug}/ranking": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/{slug}/rubric/{stage}": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/{slug}/sessions": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/{slug}/settings": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/{slug}/visits": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/{slug}/visits/proposal": '401 403 403 403 403 403 200 403 200',
    "GET /api/finals/{slug}/visits/{visit_id}/scores": '401 403 403 403 403 403 200 403 200',
    "POST /api/finals/entries/{entry_id}/material": '401 404 400 404 404 404 404 404 404',
    "POST /api/finals/sessions/{session_id}/draw": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/end": '401 403 403 403 403 403 200 403 409',
    "POST /api/finals/sessions/{session_id}/judges": '401 403 403 403 403 403 404 403 404',
    "POST /api/finals/sessions/{session_id}/next": '401 403 403 403 403 403 200 403 200',
    "POST /api/finals/sessions/{session_id}/order/group": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/publish": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/scores/{score_id}/clear": '401 403 403 403 403 403 404 403 404',
    "POST /api/finals/sessions/{session_id}/slots": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/choose": '401 403 403 403 403 403 200 403 200',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/end": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/end-qa": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/lock": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/open-scoring": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/pause": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/resume": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/reveal": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/scores": '401 404 404 404 404 404 403 409 403',
    "POST /api/finals/sessions/{session_id}/slots/{slot_id}/start": '401 403 403 403 403 403 200 403 409',
    "POST /api/finals/sessions/{session_id}/start": '401 403 403 403 403 403 200 403 409',
    "POST /api/finals/site-visits/{visit_id}/photos": '401 404 404 404 404 404 404 422 404',
    "POST /api/finals/site-visits/{visit_id}/score": '401 404 404 404 404 404 404 409 404',
    "POST /api/finals/{slug}/criteria/{criterion_id}/move": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/ranking/approve": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/ranking/compute": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/ranking/move": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/rubric/{stage}/criteria": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/rubric/{stage}/default": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/sessions": '401 403 403 403 403 403 201 403 201',
    "POST /api/finals/{slug}/visits/create": '401 403 403 403 403 403 200 403 200',
    "POST /api/finals/{slug}/visits/select": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/visits/{visit_id}/lock": '401 403 403 403 403 403 409 403 409',
    "POST /api/finals/{slug}/visits/{visit_id}/schedule": '401 403 403 403 403 403 200 403 200',
    "POST /api/finals/{slug}/visits/{visit_id}/withdraw": '401 403 403 403 403 403 200 403 409',
    "PUT /api/finals/sessions/{session_id}": '401 403 403 403 403 403 200 403 200',
    "PUT /api/finals/{slug}/criteria/{criterion_id}": '401 403 403 403 403 403 409 403 409',
    "PUT /api/finals/{slug}/settings": '401 403 403 403 403 403 200 403 200',
}


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_api(world, key):
    got = api_answers(world, key)
    assert key in API_ANSWERS, f'no row for a new operation: "{key}": {got!r},'
    assert got == API_ANSWERS[key], f'"{key}": {got!r},'


# --- Another unit's objects ------------------------------------------------------------------------

def _depends_on_side(route: str, w) -> bool:
    return sample_kwargs(route, w, "A") != sample_kwargs(route, w, "B")


def test_no_unit_reaches_another_units_objects(world):
    """Unit A's staff, given unit B's entries, attachments, units, invitations and notifications: always refused."""
    leaks = []
    for role in ("declarer", "recommender"):
        client = client_for(world, role)
        for route in PAGES:
            # Public pages (an invitation's link, say) answer everyone; they are in the table.
            if not _depends_on_side(route, world) or PAGE_ANSWERS[route][0].split()[0] != "L":
                continue
            url = page_url(route, world, "B")
            for method in ("GET", "POST"):
                response = client.get(url) if method == "GET" else client.post(url, {})
                if answer(response) not in REFUSED:
                    leaks.append(f"{role} {method} {url} → {response.status_code}")
        for key in OPERATIONS:
            if api_url(key, world, "A") == api_url(key, world, "B") or not OPERATIONS[key].get("security"):
                continue
            got = api_answers(world, key, "B", [role])
            if got not in REFUSED:
                leaks.append(f"{role} {key} ({api_url(key, world, 'B')}) → {got}")
    assert leaks == []
    # The draft of another unit, in particular, through every entry page and operation.
    for role in ("declarer", "recommender"):
        client = client_for(world, role)
        for url in (f"/entries/{world['B']['draft'].pk}/", f"/api/entries/{world['B']['draft'].pk}",
                    f"/documents/entries/{world['B']['draft'].pk}/form.pdf"):
            assert client.get(url).status_code in (403, 404), (role, url)


# --- Numbers out of range in addresses and query strings ---------------------------------------------

HUGE = str(10**23)
# The query parameters the pages read (page numbers and the filters' ids).
NUMERIC_QUERY = "&".join(f"{name}={HUGE}" for name in (
    "page", "unit", "category", "recommending_unit", "parent", "edition", "status", "kind", "flag", "failing"))


@pytest.mark.parametrize("role", ["declarer", "recommender", "committee", "site_admin"])
def test_huge_numbers_in_page_addresses_and_query_strings_are_not_server_errors(world, role):
    client = client_for(world, role)
    errors = []
    for route in PAGES:
        url = page_url(route, world)
        huge_path = reverse(ROUTES[route], kwargs={name: HUGE if isinstance(value, int) else value
                                                   for name, value in sample_kwargs(route, world).items()})
        for address in (f"{url}?{NUMERIC_QUERY}", huge_path):
            status = client.get(address).status_code
            if status >= 500 or (address == huge_path and huge_path != url and status == 200):
                errors.append(f"{address} → {status}")
    assert errors == []


# --- The admin site: only site administrators ------------------------------------------------------

def admin_url(route: str, name: str, w) -> str | None:
    """A sample address of an admin page: a real object of the page's model when its pattern needs one."""
    if "<" not in route:
        return reverse(name)
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            # An object the admin shows (the entries' admin leaves drafts out: they are their units' own).
            obj = model_admin.get_queryset(RequestFactory().get("/admin/")).order_by("pk").first()
            return reverse(name, args=[obj.pk]) if obj is not None else None
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "entries"})
    return None  # view_on_site: a redirect to the object's own page, not an admin page


# Admin pages refused to site administrators too: the admin is read-only (common/admin.py), every
# record is made and changed through the platform's own pages, audited; so every add and delete page.
# (entries, history, audit, flags...), reference data never deleted; autocomplete needs its parameters.
ADMIN_CLOSED = {"admin:autocomplete", "admin:common_industry_delete", "admin:entries_entry_delete"} | {
    f"admin:{model}_add" for model in (
        "django_tasks_database_dbtaskresult", "common_auditlog", "common_industry", "accounts_invitation",
        "entries_entry", "entries_entrytransition", "documents_exportjob", "screening_batch",
        "screening_quotaexception", "screening_deadlineextension", "screening_flag")}


def test_admin_site_is_for_site_administrators_only(world):
    refused, unreachable = [], []
    clients = {role: client_for(world, role) for role in ("anonymous", "committee", "site_admin")}
    for route, name in ADMIN.items():
        url = admin_url(route, name, world)
        if url is None:
            continue
        for role in ("anonymous", "committee"):
            if name not in ("admin:logout", "admin:login") and answer(clients[role].get(url)) != "L":
                refused.append(f"{role} {url}")
        status = clients["site_admin"].get(url).status_code
        closed = name in ADMIN_CLOSED or name.endswith(("_add", "_delete"))
        if name not in ("admin:logout", "admin:login") and status != (403 if closed else 200):
            unreachable.append(f"{url} {status}")
    assert refused == []
    assert unreachable == [], "\n".join(unreachable)


def test_every_address_has_a_row():
    assert sorted(set(PAGES) - set(PAGE_ANSWERS)) == []
    assert sorted(set(OPERATIONS) - set(API_ANSWERS)) == []
    # And no row for an address that is gone.
    assert sorted(set(PAGE_ANSWERS) - set(PAGES)) == []
    assert sorted(set(API_ANSWERS) - set(OPERATIONS)) == []
