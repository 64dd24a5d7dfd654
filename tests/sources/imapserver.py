"""A tiny IMAP4rev1 responder on loopback for the mailbox source tests: LOGIN, SELECT,
UID SEARCH, UID FETCH (RFC822), LOGOUT — just what the poller uses, over a real socket."""

from __future__ import annotations

import re
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def send(self, line: str | bytes):
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self):
        box = self.server.box
        self.send("* OK [CAPABILITY IMAP4rev1] test server ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            parts = raw.decode().strip().split(" ", 2)
            tag, cmd = parts[0], parts[1].upper() if len(parts) > 1 else ""
            arg = parts[2] if len(parts) > 2 else ""
            if cmd == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(f"{tag} OK done")
            elif cmd == "LOGIN":
                user, password = arg.split(" ", 1)
                if (user.strip('"'), password.strip('"')) == box.credentials:
                    self.send(f"{tag} OK logged in")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] bad credentials")
            elif cmd in ("SELECT", "EXAMINE"):
                self.send(f"* {len(box.messages)} EXISTS")
                self.send(f"* OK [UIDVALIDITY {box.uidvalidity}] ok")
                self.send(f"{tag} OK [READ-ONLY] selected")
            elif cmd == "UID" and arg.upper().startswith("SEARCH"):
                low = int(re.search(r"UID (\d+):\*", arg).group(1))
                uids = [u for u in box.messages if u >= low] or (
                    [max(box.messages)] if box.messages else []
                )
                self.send("* SEARCH " + " ".join(map(str, uids)))
                self.send(f"{tag} OK search done")
            elif cmd == "UID" and arg.upper().startswith("FETCH"):
                uid = int(arg.split()[1])
                body = box.messages[uid]
                self.send(f"* {uid} FETCH (UID {uid} RFC822 {{{len(body)}}}")
                self.wfile.write(body)
                self.send(")")
                self.send(f"{tag} OK fetch done")
            elif cmd == "LOGOUT":
                self.send("* BYE")
                self.send(f"{tag} OK bye")
                return
            else:
                self.send(f"{tag} BAD unknown command")


class Mailbox:
    def __init__(self, user="veille", password="s3cret"):
        self.credentials = (user, password)
        self.uidvalidity = 7
        self.messages: dict[int, bytes] = {}
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.box = self
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, raw: bytes) -> int:
        uid = max(self.messages, default=0) + 1
        self.messages[uid] = raw
        return uid

    def close(self):
        self.server.shutdown()
        self.server.server_close()
