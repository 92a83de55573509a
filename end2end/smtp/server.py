"""A real SMTP server for the tests of the mail queue (aiosmtpd, from PyPI).

Listens on 127.0.0.1:$SMTP_PORT. Each accepted message is written, whole, to
$SMTP_DIR/received/<random>.eml with an "X-Rcpt-To:" line first. A recipient that has a
file of its address in $SMTP_DIR/refuse/ is refused with "451" (a temporary failure), so a
test can make the server refuse a message and then accept it.
"""

import os
import pathlib
import signal
import uuid

from aiosmtpd.controller import Controller

ROOT = pathlib.Path(os.environ["SMTP_DIR"])
RECEIVED = ROOT / "received"
REFUSE = ROOT / "refuse"


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if (REFUSE / address.lower()).exists():
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            name = uuid.uuid4().hex
            tmp = RECEIVED / f"{name}.tmp"
            tmp.write_bytes(b"X-Rcpt-To: " + rcpt.lower().encode() + b"\r\n" + envelope.original_content)
            tmp.rename(RECEIVED / f"{name}.eml")
        return "250 OK"


if __name__ == "__main__":
    RECEIVED.mkdir(parents=True, exist_ok=True)
    REFUSE.mkdir(parents=True, exist_ok=True)
    controller = Controller(Handler(), hostname="127.0.0.1", port=int(os.environ["SMTP_PORT"]))
    controller.start()
    print(f"SMTP server on 127.0.0.1:{os.environ['SMTP_PORT']}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()
