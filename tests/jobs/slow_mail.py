"""An e-mail backend slow enough to kill a worker in the middle of sending (SLOW_MAIL_SECONDS).

Each message it sends becomes one file in SLOW_MAIL_DIR, so a test counts what went out.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        out = Path(os.environ["SLOW_MAIL_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        for message in messages:
            (out / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)
