"""`make run PORT=8101`: a quiet start-up that ends with the logins and the site's real address (issue 9, item 16).

`make run` is `install migrate serve`; this runs `serve` (the server, the worker and the demo) on a
free port, on its own SQLite file, and reads what a newcomer reads in the terminal.
"""

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from .markers import same_on_every_database

REPO = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@same_on_every_database
def test_make_serve_is_quiet_and_ends_with_the_logins_at_its_real_address(tmp_path):
    port = free_port()
    address = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SITE_URL", "HOST", "PORT", "LOG_LEVEL"}}
    env.update(DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")  # unbuffered: the order a terminal shows
    subprocess.run(["make", "migrate"], cwd=REPO, env=env, check=True, capture_output=True, timeout=600)

    server = subprocess.Popen(["make", "serve", f"PORT={port}"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ANSI.sub("", line.rstrip("\n"))) for line in server.stdout],
                     daemon=True).start()
    output: list[str] = []
    try:
        deadline = time.monotonic() + 300
        while not output or output[-1] != f"打开 {address}":
            assert time.monotonic() < deadline, "\n".join(output)
            try:
                output.append(lines.get(timeout=1))
            except queue.Empty:
                assert server.poll() is None, "\n".join(output)
        time.sleep(3)  # whatever the worker or the server would still print at start-up
        while not lines.empty():
            output.append(lines.get())
        text = "\n".join(output)

        # It ends with the logins and the address the server really answers at.
        assert output[-1] == f"打开 {address}", text
        heading = output.index("演示账号（密码均为 wuxiao-demo-2025，可用用户名或手机号登录）：")
        logins = output[heading + 1:output.index("", heading)]
        assert [line.split()[1] for line in logins][:3] == ["admin", "office", "expert"]
        # then where to try the final's live session: its console, big screen and a judge's phone
        assert any("/finals/session/" in line and line.rstrip().endswith("/console/") for line in output[heading:]), text
        assert output.index(f"Starting development server at {address}") < heading
        with urllib.request.urlopen(address, timeout=30) as response:
            assert response.status == 200 and "演示" in response.read().decode()

        # Quiet: no font subsetting, no e-mails of the demo's history, no task log, nothing twice.
        for noise in ("fontTools", "subset", "Content-Type:", "Task id=", "Performing system checks",
                      "This is a development server"):
            assert noise not in text, text
        assert text.count("Watching for file changes") <= 1, text
        assert len(output) < 45, text  # 20 demo logins (experts and the second round's units among them), the final's 4 lines
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make, the server, its reloader, the worker: started here
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
