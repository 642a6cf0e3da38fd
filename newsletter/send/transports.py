"""Delivering messages: over SMTP (one connection for many messages) or into an
outbox folder of .eml files when no mail server is configured."""

from __future__ import annotations

import contextlib
import re
import shlex
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from newsletter.errors import InputError, NewsletterError
from newsletter.send.replies import (
    DATA,
    END_OF_DATA,
    MAIL_FROM,
    RCPT_TO,
    refuses_the_address,
    reply_text,
)
from newsletter.workspace import validate
from newsletter.workspace.files import write_bytes_atomically
from newsletter.workspace.settings import SECURITY_MODES, SmtpSettings

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class TemporaryFailure(Exception):
    """Worth trying again later: a 4xx reply, a dropped or refused connection."""

    def __init__(self, reason: str, connection: bool = False) -> None:
        super().__init__(reason)
        self.connection = connection  # the whole connection failed, not one recipient


class AddressRefused(Exception):
    """This one address cannot get the message (a 5.1.x reply at RCPT TO, or an
    address the server cannot take): trying again will not help."""

    def __init__(self, reason: str, server_said: bool = True) -> None:
        super().__init__(reason)
        self.server_said = server_said  # False: our own judgement, not the server's reply


class ServerRefused(Exception):
    """The server refused the sender or the message itself (at MAIL FROM or DATA):
    every recipient would meet the same reply, so the run stops."""

    def __init__(self, stage: str, reply: str) -> None:
        super().__init__(reply)
        self.stage = stage
        self.reply = reply


class InDoubt(Exception):
    """The whole message was handed over and then the connection was lost before the
    server's answer: the server may have it. Sending again could mean two copies."""


class _StaleConnection(Exception):
    """A kept-open connection was gone before the message was handed over."""


class SendError(NewsletterError):
    """Nothing more can be sent this run: login refused, no trusted server."""


def smtp_settings(configured: SmtpSettings, environ: Mapping[str, str]) -> SmtpSettings:
    """newsletter.yaml's smtp settings, with NEWSLETTER_SMTP_* taking precedence."""
    smtp = replace(configured)
    if environ.get("NEWSLETTER_SMTP_HOST"):
        try:
            smtp.host = validate.host_name(environ["NEWSLETTER_SMTP_HOST"])
        except ValueError as err:
            raise InputError(f"NEWSLETTER_SMTP_HOST: {err}.") from None
    if environ.get("NEWSLETTER_SMTP_PORT"):
        port = environ["NEWSLETTER_SMTP_PORT"].strip()
        if not (port.isascii() and port.isdigit() and len(port) <= 5 and 0 < int(port) < 65536):
            raise InputError(
                f"NEWSLETTER_SMTP_PORT: '{port[:20]}' is not a port number.",
                hint="Use a number from 1 to 65535, like 587.",
            )
        smtp.port = int(port)
    if environ.get("NEWSLETTER_SMTP_SECURITY"):
        smtp.security = environ["NEWSLETTER_SMTP_SECURITY"].strip().lower()
        if smtp.security not in SECURITY_MODES:
            raise InputError(
                f"NEWSLETTER_SMTP_SECURITY: '{smtp.security}' is not a security mode.",
                hint=f"Use one of: {', '.join(SECURITY_MODES)}.",
            )
    if environ.get("NEWSLETTER_SMTP_USER"):
        smtp.user = environ["NEWSLETTER_SMTP_USER"].strip()
    if not smtp.port:
        smtp.port = DEFAULT_PORTS[smtp.security]
    return smtp


def smtp_password(smtp: SmtpSettings, environ: Mapping[str, str]) -> str | None:
    """The password, from NEWSLETTER_SMTP_PASSWORD or password_command; never from a
    file in the workspace, never printed."""
    if not smtp.user:
        return None
    if environ.get("NEWSLETTER_SMTP_PASSWORD"):
        return environ["NEWSLETTER_SMTP_PASSWORD"]
    if smtp.password_command:
        try:
            done = subprocess.run(
                shlex.split(smtp.password_command),
                capture_output=True,
                text=True,
                timeout=60,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as err:
            raise SendError(
                f"smtp.password_command could not run ({err.__class__.__name__}).",
                hint="Check the command in newsletter.yaml.",
            ) from None
        if done.returncode != 0 or not done.stdout.strip():
            # Its output is not shown: it might hold the password.
            raise SendError(
                f"smtp.password_command failed (exit status {done.returncode}).",
                hint="Run the command yourself to see why.",
            )
        # Only the line end the command printed goes: spaces can be part of a password.
        first = done.stdout.split("\n", 1)[0]
        return first[:-1] if first.endswith("\r") else first
    raise InputError(
        f"smtp.user is {smtp.user} but no password is given.",
        hint="Set NEWSLETTER_SMTP_PASSWORD, or smtp.password_command in newsletter.yaml.",
    )


class SmtpTransport:
    """One connection for many messages; a connection that drops is opened again."""

    def __init__(
        self, smtp: SmtpSettings, password: str | None, say: Callable[[str], None] | None = None
    ) -> None:
        self.smtp = smtp
        self.password = password
        self.say = say or (lambda line: None)
        self.connections = 0
        self._conn: smtplib.SMTP | None = None

    def describe(self) -> str:
        return f"{self.smtp.host}:{self.smtp.port} ({self.smtp.security})"

    def _connect(self) -> smtplib.SMTP:
        smtp = self.smtp
        context = ssl.create_default_context()  # verifies the server's certificate
        try:
            if smtp.security == "ssl":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    smtp.host, smtp.port, timeout=smtp.timeout, context=context
                )
            else:
                conn = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
            conn.ehlo()
            if smtp.security == "starttls":
                conn.starttls(context=context)
                conn.ehlo()
            if smtp.user:
                conn.login(smtp.user, self.password or "")
        except smtplib.SMTPAuthenticationError as err:
            raise SendError(
                f"{self.describe()} refused the login for {smtp.user}: "
                f"{reply_text(err.smtp_code, err.smtp_error)}.",
                hint="Check smtp.user and the password (NEWSLETTER_SMTP_PASSWORD or "
                "password_command).",
            ) from None
        except smtplib.SMTPNotSupportedError as err:
            raise SendError(
                f"{self.describe()}: {err}.", hint="Check smtp.security: starttls, ssl or none."
            ) from None
        except ssl.SSLCertVerificationError as err:
            raise SendError(
                f"{self.describe()}: the server's certificate is not trusted "
                f"({err.verify_message}).",
                hint="Ask IT for the right host name; the certificate must match it.",
            ) from None
        except ssl.SSLError as err:
            if "WRONG_VERSION_NUMBER" in str(err) or "record layer" in str(err):
                # A setting mistake, not a passing failure: trying again cannot help.
                raise SendError(
                    f"{self.describe()} does not speak TLS from the start on port "
                    f"{smtp.port} (security: {smtp.security}).",
                    hint="Check smtp.security and smtp.port: 'ssl' is usually port 465, "
                    "'starttls' port 587, 'none' port 25.",
                ) from None
            raise TemporaryFailure(
                f"cannot connect to {self.describe()}: {_describe_error(err)}", connection=True
            ) from None
        except (smtplib.SMTPException, OSError) as err:
            raise TemporaryFailure(
                f"cannot connect to {self.describe()}: {_describe_error(err)}", connection=True
            ) from None
        self.connections += 1
        self.say(f"connected to {self.describe()}" + (f" as {smtp.user}" if smtp.user else ""))
        self._conn = conn
        return conn

    def connect(self) -> None:
        """Be connected and logged in, before a message is handed over."""
        if self._conn is None:
            self._connect()

    def deliver(self, sender: str, recipient: str, message: bytes) -> None:
        """One SMTP transaction, step by step, so that each reply is judged by the
        stage it answers and a connection lost after the final "." is told apart
        from one lost before it."""
        for again in (False, True):
            reused = self._conn is not None
            try:
                return self._transaction(sender, recipient, message)
            except _StaleConnection:
                # The server closed a connection we kept open between messages (an idle
                # timeout, a limit of messages per connection): nothing was handed
                # over, so open a new one and start again, once.
                if again or not reused:
                    raise TemporaryFailure(
                        "the server closed the connection before taking the message",
                        connection=True,
                    ) from None

    def _transaction(self, sender: str, recipient: str, message: bytes) -> None:
        conn = self._conn or self._connect()
        utf8 = not (sender.isascii() and recipient.isascii())
        if utf8 and not conn.has_extn("smtputf8"):
            raise AddressRefused(
                f"the address has letters outside ASCII and {self.describe()} does not "
                "accept such addresses (no SMTPUTF8)",
                server_said=False,
            )
        stage = MAIL_FROM
        try:
            code, reply = conn.mail(sender, ["SMTPUTF8"] if utf8 else [])
            if code == 421:
                self._drop()
                raise _StaleConnection()
            if code != 250:
                self._refused(MAIL_FROM, code, reply)
            stage = RCPT_TO
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                self._refused(RCPT_TO, code, reply)
            stage = DATA
            code, reply = conn.docmd("DATA")
            if code != 354:
                self._refused(DATA, code, reply)
            conn.send(_dot_stuffed(message))
            stage = END_OF_DATA  # from here on, a lost connection leaves it in doubt
            code, reply = conn.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as err:
            self._drop()
            if stage == END_OF_DATA:
                raise InDoubt(
                    f"the connection was lost after the whole message was handed over "
                    f"({_describe_error(err)})"
                ) from None
            if stage == MAIL_FROM:
                raise _StaleConnection() from None
            raise TemporaryFailure(
                f"connection lost: {_describe_error(err)}", connection=True
            ) from None
        if code == 250:
            return
        if not 400 <= code < 600:
            # Not an answer we can read (no code, or not SMTP): it may have been taken.
            self._drop()
            raise InDoubt(
                f"the server's answer after the whole message was handed over cannot be "
                f"read ({reply_text(code, reply)})"
            )
        self._refused(END_OF_DATA, code, reply)

    def _refused(self, stage: str, code: int, reply: bytes | str) -> None:
        """Judge a reply other than OK, leaving the connection ready for the next message."""
        text = reply_text(code, reply)
        if code == 421 or not 400 <= code < 600:  # closing, or not SMTP at all
            self._drop()
            raise TemporaryFailure(text, connection=True)
        try:
            self._conn.rset()  # type: ignore[union-attr]
        except (smtplib.SMTPException, OSError):
            self._drop()  # gone: the next message opens a new connection
        if code < 500:
            raise TemporaryFailure(text)
        if refuses_the_address(stage, code, text):
            raise AddressRefused(text)
        raise ServerRefused(stage, text)

    def abort(self) -> None:
        """Close at once, without waiting for the server to answer QUIT."""
        self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._conn.quit()
            self._drop()


def _dot_stuffed(message: bytes) -> bytes:
    """The message as DATA sends it: CRLF line ends, a leading "." doubled, and the
    closing "." line (what smtplib's data() does, which we cannot split in two)."""
    message = re.sub(rb"\r\n|\n|\r", b"\r\n", message)
    message = re.sub(rb"(?m)^\.", b"..", message)
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    return message + b".\r\n"


def _describe_error(err: BaseException) -> str:
    if isinstance(err, smtplib.SMTPResponseException):
        return reply_text(err.smtp_code, err.smtp_error)
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, socket.gaierror):
        return "unknown host name"
    if isinstance(err, TimeoutError):
        return "timed out"
    text = str(err) or err.__class__.__name__
    return " ".join(text.split())


class OutboxTransport:
    """No mail server configured: each message becomes an .eml file to look at."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.connections = 0

    def describe(self) -> str:
        return f"the outbox folder {self.folder}"

    def connect(self) -> None:
        pass

    def abort(self) -> None:
        pass

    def deliver(self, sender: str, recipient: str, message: bytes) -> None:
        self.count += 1
        name = re.sub(r"[^A-Za-z0-9@._-]", "_", recipient)
        write_bytes_atomically(self.folder / f"{self.count:04d}-{name}.eml", message)

    def close(self) -> None:
        pass
