"""Stream an 800 MB video upload through the real server and measure its memory (issue 3, R24).

Starts `manage.py runserver --noreload` on a temporary SQLite DATA_DIR, logs in as a declarer
over HTTP, and posts a generated 800 MB ".mp4" to the attachment upload view with http.client:
the body is a generator of 1 MB chunks (the same buffer again and again), so neither side holds
the file. Reports the server's peak resident memory (VmHWM from /proc, before and after), the
upload's throughput, and a plain `shutil.copyfile` of a file of the same size on the same disk
for comparison. The file is not a real video, so the checks refuse it at the end: the point is
memory while streaming, and the answer the user gets is printed too.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
SIZE = 800 * 1024 * 1024  # R24's limit: 800 MB
CHUNK = 1024 * 1024
BUDGET_MB = 100
PASSWORD = "pass-word-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(data_dir: str) -> tuple[str, int]:
    """Migrate a fresh database and create an edition, a declarer and a draft entry; return (login, entry id)."""
    os.environ["DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wuxiao.settings"
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from wuxiao.accounts.models import Role, User
    from wuxiao.competitions.models import Category, Edition
    from wuxiao.entries.models import Entry
    from wuxiao.orgs.models import Membership, Organisation

    call_command("migrate", verbosity=0)
    now = timezone.now()
    edition = Edition.objects.create(
        slug="bench", title="bench", year=2026, notice_date=now.date(), declaration_opens_at=now - dt.timedelta(days=1),
        declaration_deadline=now + dt.timedelta(days=1), recommendation_deadline=now + dt.timedelta(days=2),
        window_start=now.date() - dt.timedelta(days=1000), window_end=now.date())
    category = Category.objects.create(edition=edition, name="小发明")
    parent = Organisation.objects.create(kind="industry_union", name="基准测试产业工会")
    unit = Organisation.objects.create(kind="enterprise", name="基准测试企业", parent=parent)
    user = User.objects.create_user(username="bench-declarer", password=PASSWORD)
    Membership.objects.create(user=user, organisation=unit, role=Role.DECLARER)
    entry = Entry.objects.create(edition=edition, declaring_unit=unit, recommending_unit=parent, title="基准作品",
                                 category=category)
    return user.username, entry.pk


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Browser:
    """Just enough of a browser: cookies and the CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookies = SimpleCookie()

    def connection(self, timeout=600) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def headers(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())}

    def remember(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)

    def get(self, path: str) -> tuple[int, str]:
        conn = self.connection()
        conn.request("GET", path, headers=self.headers())
        response = conn.getresponse()
        body = response.read().decode()
        self.remember(response)
        conn.close()
        return response.status, body

    def post_form(self, path: str, fields: dict) -> int:
        body = urlencode(fields).encode()
        conn = self.connection()
        conn.request("POST", path, body=body, headers={**self.headers(), "Content-Type":
                                                        "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        self.remember(response)
        conn.close()
        return response.status


def csrf_from(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def upload(browser: Browser, path: str, token: str) -> tuple[int, str, float]:
    """POST the generated file as multipart, streamed from a generator; return (status, body, seconds)."""
    boundary = "----wuxiao-bench-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"video-file\"; filename=\"路演视频.mp4\"\r\n"
            f"Content-Type: video/mp4\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    # Looks like an MP4 to the magic-byte check; PyAV has the last word.
    first = b"\x00\x00\x00\x18ftypmp42" + os.urandom(CHUNK - 12)
    rest = os.urandom(CHUNK)

    def body():
        yield head
        sent = 0
        while sent < SIZE:
            n = min(CHUNK, SIZE - sent)
            yield (first if sent == 0 else rest)[:n]
            sent += n
        yield tail

    conn = browser.connection(timeout=1800)
    headers = {**browser.headers(), "Content-Type": f"multipart/form-data; boundary={boundary}",
               "Content-Length": str(len(head) + SIZE + len(tail)), "X-Requested-With": "XMLHttpRequest",
               "X-CSRFToken": token}
    started = time.perf_counter()
    # A Content-Length with a generator body: http.client sends the chunks as they come (WSGI
    # servers need the length; the body is never assembled).
    conn.request("POST", path, body=body(), headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    seconds = time.perf_counter() - started
    conn.close()
    return response.status, text, seconds


def plain_copy(work: Path) -> tuple[float, dict]:
    """Seconds for shutil.copyfile of SIZE bytes, and the video probe's own report on that file."""
    source, target = work / "copy-source.bin", work / "copy-target.bin"
    block = os.urandom(CHUNK)
    with open(source, "wb") as f:
        for _ in range(SIZE // CHUNK):
            f.write(block)
        f.flush()
        os.fsync(f.fileno())
    started = time.perf_counter()
    shutil.copyfile(source, target)
    seconds = time.perf_counter() - started
    target.unlink()
    mp4 = source.with_suffix(".mp4")
    with open(source, "r+b") as f:
        f.write(b"\x00\x00\x00\x18ftypmp42")
    source.rename(mp4)
    from wuxiao.entries.attachments import probe_video

    probe = probe_video(str(mp4))
    mp4.unlink()
    return seconds, probe


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="wuxiao-bench-upload-", dir=REPO / "var" if (REPO / "var").is_dir() else None))
    (work / "tmp").mkdir()
    server = None
    try:
        login, entry_id = prepare(str(work))
        port = free_port()
        env = {**os.environ, "DATA_DIR": str(work), "TMPDIR": str(work / "tmp"), "DEBUG": "1", "LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        log = open(work / "server.log", "wb")
        server = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "runserver", "--noreload",
                                   f"127.0.0.1:{port}"], env=env, cwd=REPO, stdout=log, stderr=log)
        browser = Browser(port)
        for _ in range(200):
            try:
                status, page = browser.get("/accounts/login/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            print("the server did not start:", (work / "server.log").read_text()[-2000:])
            return 1
        status = browser.post_form("/accounts/login/", {"csrfmiddlewaretoken": csrf_from(page), "username": login,
                                                        "password": PASSWORD})
        status, page = browser.get(f"/entries/{entry_id}/attachments/")
        if status != 200:
            print(f"login or attachments page failed: {status}")
            return 1
        token = csrf_from(page)
        baseline_hwm = status_kb(server.pid, "VmHWM")
        baseline_rss = status_kb(server.pid, "VmRSS")

        samples = []
        done = threading.Event()

        def sample():
            while not done.is_set():
                samples.append(status_kb(server.pid, "VmRSS"))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        status, text, seconds = upload(browser, f"/entries/{entry_id}/attachments/video/upload/", token)
        done.set()
        sampler.join()
        peak = status_kb(server.pid, "VmHWM")
        messages = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', text, re.S)
        answer = re.sub(r"<[^>]+>", " ", messages[0]).split() if messages else [text[:200]]

        copy_seconds, probe = plain_copy(work)
        mb = SIZE / 1024 / 1024
        print(f"upload of {mb:.0f} MB through runserver: {seconds:.1f} s, {mb / seconds:.0f} MB/s, answer {status}: "
              f"{' '.join(answer)}")
        print(f"plain shutil.copyfile of {mb:.0f} MB on the same disk: {copy_seconds:.1f} s, "
              f"{mb / copy_seconds:.0f} MB/s")
        print(f"upload throughput / copy throughput: {copy_seconds / seconds:.2f}")
        print(f"server memory: resident {baseline_rss / 1024:.1f} MB before, at most {max(samples or [0]) / 1024:.1f} MB "
              f"sampled during the upload; peak (VmHWM) {baseline_hwm / 1024:.1f} MB before, {peak / 1024:.1f} MB after")
        print(f"the video probe's own process (PyAV on the same {mb:.0f} MB file, in a child with a 1 GB "
              f"address-space limit): peak {probe.get('peak_kb', 0) / 1024:.1f} MB, readable: {probe.get('readable')}")
        within = peak / 1024 < BUDGET_MB
        print(f"peak memory {'within' if within else 'OVER'} the {BUDGET_MB} MB budget")
        return 0 if within else 1
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
