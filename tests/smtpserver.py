"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, and can
be told to refuse (an address, the sender, or every message), defer, drop the
connection before or after taking a message, require a login, speak TLS, or not
offer SMTPUTF8."""

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
    refuse_sender: str | None = None  # the reply to every MAIL FROM
    refuse_message: str | None = None  # the reply after a message's final "."...
    refuse_after: int = 0  # ...once this many messages were accepted (a quota)
    store_then_hang_up: set = field(default_factory=set)  # addresses: stored, then no 250
    # Accept this many messages, then hang up on each: at RCPT TO (before the message
    # is handed over), or after the final "." (having stored the message, before the 250).
    drop_after: int | None = None
    drop_stored: bool = False
    delay: float = 0.0  # seconds before accepting each message
    peers: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def dropping(self) -> bool:
        return self.drop_after is not None and len(self.received) >= self.drop_after

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.dropping() and not self.drop_stored:
            server.transport.close()  # hang up before the message is handed over
            return "421 closing"
        if address in self.refuse:
            return self.refuse[address]
        if self.defer.get(address, 0) > 0:
            self.defer[address] -= 1
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse_message and len(self.received) >= self.refuse_after:
            return self.refuse_message
        if self.delay:
            await asyncio.sleep(self.delay)
        dropping = self.dropping() and self.drop_stored
        if self.store_then_hang_up & set(envelope.rcpt_tos):
            self.store_then_hang_up -= set(envelope.rcpt_tos)  # once: the next try is answered
            dropping = True
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
        if dropping:
            server.transport.close()  # stored, then hang up before the 250
            return "421 closing"
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
        smtputf8: bool = True,
    ) -> None:
        self.mailbox = mailbox or Mailbox()
        self.logins: list[str] = []
        kwargs: dict = {"enable_SMTPUTF8": smtputf8}
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
