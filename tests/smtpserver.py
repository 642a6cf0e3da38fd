"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, and can
be told to refuse, defer, drop the connection, require a login, or speak TLS."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    peer: tuple

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class Mailbox:
    """The handler: what arrives, and how the server misbehaves."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> '550 ...' reply
    defer: dict[str, int] = field(default_factory=dict)  # address -> times to answer 450
    drop_after: int | None = None  # accept this many messages, then drop connections
    delay: float = 0.0  # seconds before accepting each message
    peers: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        if self.defer.get(address, 0) > 0:
            self.defer[address] -= 1
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.close()  # hang up without an answer
            return "421 closing"
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.peers.add(session.peer)
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content or envelope.content,
                    session.peer,
                )
            )
        return "250 2.0.0 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


class SmtpServer:
    def __init__(
        self,
        mailbox: Mailbox | None = None,
        *,
        login: tuple[str, str] | None = None,
        starttls=None,
        implicit_tls=None,
    ) -> None:
        self.mailbox = mailbox or Mailbox()
        self.logins: list[str] = []
        kwargs: dict = {}
        if login:

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = (
                    isinstance(auth_data, LoginPassword)
                    and (auth_data.login.decode(), auth_data.password.decode()) == login
                )
                self.logins.append(f"{auth_data.login.decode()}:{'ok' if ok else 'bad'}")
                return AuthResult(success=ok, handled=False)  # aiosmtpd sends 235 or 535

            kwargs.update(authenticator=authenticator, auth_require_tls=False)
        if starttls:
            kwargs.update(tls_context=starttls, require_starttls=True)
        if implicit_tls:
            kwargs.update(ssl_context=implicit_tls)
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=free_port(), **kwargs)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
