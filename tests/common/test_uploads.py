"""Every request body is read with a size limit known before the body is (common.uploads)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wuxiao.common.uploads import LimitedUploadHandler

from .. import factories
from ..upload_helpers import parse

MB = 1024 * 1024


def test_a_request_longer_than_the_limit_is_refused_from_its_length_and_the_fields_are_kept(spooled):
    handler = LimitedUploadHandler(max_bytes=1 * MB, message="太大了")
    chunks = []
    handler.receive_data_chunk = lambda data, start: chunks.append(start)  # must never be called

    post, files, stream, length = parse(handler, {
        "csrfmiddlewaretoken": "t" * 64, "legal_representative": "张法人",
        "scan": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * MB))})

    assert handler.refused == "太大了"
    assert dict(files) == {} and spooled == [] and chunks == []
    # The small fields still arrive (the CSRF check and what the user typed need them) ...
    assert post["csrfmiddlewaretoken"] == "t" * 64 and post["legal_representative"] == "张法人"
    # ... and the body is read to its end, without being kept, so that the browser gets the answer.
    assert stream.tell() == length


def test_a_request_within_the_limit_streams_its_file_to_a_temporary_file(spooled):
    handler = LimitedUploadHandler(max_bytes=1 * MB, message="太大了")

    post, files, _, _ = parse(handler, {"scan": SimpleUploadedFile("a.pdf", b"%PDF-1.4 small")})

    assert handler.refused is None and files["scan"].read() == b"%PDF-1.4 small" and len(spooled) == 1


@pytest.mark.django_db
def test_a_page_that_takes_no_file_keeps_none_of_a_file_posted_to_it(spooled):
    user = factories.UserFactory(username="zhang")
    user.set_password("right-password-1")
    user.save()

    response = Client().post(reverse("accounts:login"), {
        "username": "zhang", "password": "wrong", "junk": SimpleUploadedFile("junk.bin", b"\x00" * (3 * MB))})

    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
    assert spooled == []


@pytest.mark.django_db
def test_a_large_body_to_a_page_that_takes_no_file_is_refused_unread(spooled, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * MB

    response = Client().post(reverse("accounts:login"), {
        "username": "zhang", "junk": SimpleUploadedFile("junk.bin", b"\x00" * (2 * MB))})

    assert response.status_code == 400 and spooled == []
