"""The video plays in the page (issue 9, item 7): HTML5 <video> for an MP4 browsers play, byte ranges
so that it can seek, the entry's permission on every range; a WMV says so and offers the download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from wuxiao.common.ranges import parse_range
from wuxiao.entries.models import AttachmentKind
from wuxiao.entries.services_attachments import add_attachment

from .conftest import ROLES
from .test_attachments_checks import video_file
from .test_attachments_views import client_for, media, submitted_if_recommender  # noqa: F401 (fixtures)

VIEWERS = {"declarer", "recommender", "committee", "site_admin"}


@pytest.fixture
def entry(entry_of):
    return entry_of("draft")


@pytest.fixture
def mp4(tmp_path):
    return video_file(tmp_path / "v.mp4")


def add_video(actor, entry, name, data):
    return add_attachment(actor=actor, entry=entry, kind=AttachmentKind.VIDEO, uploaded_file=SimpleUploadedFile(name, data))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("role", ROLES)
def test_every_viewer_gets_the_player_and_each_range_is_checked(client_for, entry, actors, role, mp4):
    video = add_video(actors["declarer"], entry, "路演视频.mp4", mp4)
    submitted_if_recommender(role, entry, actors)
    client = client_for(role)
    url = reverse("entries:attachment_download", args=[video.pk]) + "?inline=1"

    page = client.get(reverse("entries:view", args=[entry.pk]))
    part = client.get(url, headers={"Range": "bytes=0-99"})

    if role in VIEWERS:
        html = page.content.decode()
        assert f'<video class="attachment-video" controls' in html and f'src="{url}"' in html
        assert "playsinline" in html
        assert part.status_code == 206
        assert part["Content-Range"] == f"bytes 0-99/{len(mp4)}" and part["Accept-Ranges"] == "bytes"
        assert body(part) == mp4[:100] and part["Content-Type"] == "video/mp4"
        assert part["Content-Disposition"].startswith("inline")
    else:
        assert page.status_code in (302, 403) and part.status_code in (302, 403)
        assert part.status_code != 206


def test_ranges_seek_anywhere_and_the_whole_file_still_comes(client_for, entry, actors, mp4):
    video = add_video(actors["declarer"], entry, "路演视频.mp4", mp4)
    client = client_for("declarer")
    url = reverse("entries:attachment_download", args=[video.pk]) + "?inline=1"
    size = len(mp4)

    middle = client.get(url, headers={"Range": f"bytes={size // 2}-"})
    tail = client.get(url, headers={"Range": "bytes=-10"})
    beyond = client.get(url, headers={"Range": f"bytes={size}-"})
    several = client.get(url, headers={"Range": "bytes=0-1,5-6"})
    whole = client.get(url)

    assert (middle.status_code, body(middle)) == (206, mp4[size // 2:])
    assert middle["Content-Length"] == str(size - size // 2)
    assert (tail.status_code, body(tail), tail["Content-Range"]) == (206, mp4[-10:], f"bytes {size - 10}-{size - 1}/{size}")
    assert (beyond.status_code, beyond["Content-Range"]) == (416, f"bytes */{size}")
    assert (several.status_code, body(several)) == (200, mp4)  # several ranges: the whole file (RFC 9110 allows it)
    assert (whole.status_code, body(whole), whole["Accept-Ranges"]) == (200, mp4, "bytes")


def test_a_wmv_says_browsers_cannot_play_it_and_offers_the_download(client_for, entry, actors, tmp_path):
    wmv = video_file(tmp_path / "v.wmv", codec="wmv2", container_format="asf")
    video = add_video(actors["declarer"], entry, "路演视频.wmv", wmv)

    html = client_for("declarer").get(reverse("entries:view", args=[entry.pk])).content.decode()

    assert "<video" not in html
    assert "浏览器无法播放此视频的格式（WMV），请下载后用视频播放器观看。" in html
    assert f'href="{reverse("entries:attachment_download", args=[video.pk])}"' in html


def test_an_mp4_in_hevc_is_offered_as_a_download(entry, actors, mp4):
    video = add_video(actors["declarer"], entry, "路演视频.mp4", mp4)
    assert video.plays_in_browsers
    video.details["codec"] = "hevc"
    assert not video.plays_in_browsers and video.video_format == "MP4 (HEVC)"


@given(size=st.integers(1, 10_000), first=st.integers(0, 20_000) | st.none(), last=st.integers(0, 20_000) | st.none())
def test_a_parsed_range_always_lies_inside_the_file(size, first, last):
    header = f"bytes={'' if first is None else first}-{'' if last is None else last}"
    wanted = parse_range(header, size)
    if wanted not in (None, False):
        start, end = wanted
        assert 0 <= start <= end < size
    if first is not None and first >= size and (last is None or last >= first):
        assert wanted is False



def test_the_api_sends_a_range_of_the_file_to_those_who_may_see_it(client_for, entry, actors, mp4):
    video = add_video(actors["declarer"], entry, "路演视频.mp4", mp4)
    url = f"/api/entries/{entry.pk}/attachments/{video.pk}/file"

    part = client_for("declarer").get(url, headers={"Range": "bytes=10-19"})
    other = client_for("other_recommender").get(url, headers={"Range": "bytes=10-19"})

    assert (part.status_code, body(part), part["Content-Range"]) == (206, mp4[10:20], f"bytes 10-19/{len(mp4)}")
    assert other.status_code == 403
