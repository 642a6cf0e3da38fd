"""newsletter send, against a real SMTP server (aiosmtpd) on loopback."""

import fcntl
import re
import signal
import subprocess
import sys
import time

import pytest
import trustme

from tests.conftest import STAFF, Terminal, smtp_env, the_issue, use
from tests.smtpserver import Mailbox


def test_every_recipient_gets_one_proper_message(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    assert "warning: ws/staff.csv:8: 'not-an-address' is not an email address (" in result.output
    assert (
        "warning: ws/staff.csv:9: TEACHER1@maplevalley.example.org is also on line 2"
        in result.output
    )
    assert sorted(a for r in server.mailbox.received for a in r.rcpt_tos) == sorted(STAFF)
    assert len(server.mailbox.peers) == 1  # one connection for all
    message = server.mailbox.to(STAFF[1])[0].message
    assert message["From"] == "Tech Tidbits <techtidbits@maplevalley.example.org>"
    assert message["To"] == f"Teacher 2 <{STAFF[1]}>"
    assert message["Reply-To"] == "jrivera@maplevalley.example.org"
    assert message["Subject"] == "Tech Tidbits #1 - Nov 27, 2026"
    assert message["Date"] and message["Message-ID"].endswith("@maplevalley.example.org>")
    assert message["List-Id"] == '"Tech Tidbits" <tech-tidbits.maplevalley.example.org>'
    assert message["List-Unsubscribe"].strip() == (  # long: folded after the colon
        "<mailto:techtidbits@maplevalley.example.org?subject=unsubscribe>"
    )
    assert "List-Unsubscribe-Post" not in message  # a mailto: address takes no POST
    # Out-of-office replies stay away.
    assert message["Precedence"] == "bulk"
    assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert "Unsubscribe: <mailto:techtidbits@maplevalley.example.org?subject=unsubscribe>" in (
        text.get_content()
    )
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert "Padlet <https://padlet.com>" in text.get_content()
    assert 'href="https://padlet.com"' in html.get_content()
    ids = {r.message["Message-ID"] for r in server.mailbox.received}
    assert len(ids) == len(STAFF)
    entry = the_issue(built)
    assert entry.sent and entry.sent_at is not None
    assert "Issue #1 is recorded as sent" in result.output
    # A rerun, by hand or by cron, does nothing.
    again = run("send", "--yes")
    assert again.exit_code == 0
    assert "already sent" in again.output or "Nothing to send" in again.output
    assert len(server.mailbox.received) == len(STAFF)


def test_a_web_unsubscribe_is_one_click_and_the_calendar_names_its_organizer(
    built, run, smtp, monkeypatch
):
    settings = built / "newsletter.yaml"
    settings.write_text(
        settings.read_text().replace(
            "unsubscribe: mailto:techtidbits@maplevalley.example.org?subject=unsubscribe",
            "unsubscribe: https://news.maplevalley.example.org/unsubscribe",
        )
        + "site:\n  base_url: https://news.maplevalley.example.org/tech/\n"
    )
    assert run("add-event", "PD day", "--when", "2026-12-04 08:30").exit_code == 0
    assert run("build", "--date", "2026-11-27", "--force").exit_code == 0
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 0
    message = server.mailbox.to(STAFF[0])[0].message
    assert (
        message["List-Unsubscribe"].strip() == "<https://news.maplevalley.example.org/unsubscribe>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
    alternative, calendar = message.iter_parts()
    text, html = alternative.iter_parts()
    page = "https://news.maplevalley.example.org/tech/issues/2026-11-27.html"
    assert re.search(f'href="{re.escape(page)}"[^>]*>Read it on the web</a>', html.get_content())
    assert f"Read it on the web: <{page}>" in text.get_content()
    assert re.search(
        r'href="https://news\.maplevalley\.example\.org/unsubscribe"[^>]*>Unsubscribe</a>',
        html.get_content(),
    )
    assert calendar.get_param("name") == "events.ics" and calendar.get_filename() == "events.ics"
    ics = calendar.get_content()
    ics = ics if isinstance(ics, str) else ics.decode()
    assert 'ORGANIZER;CN="Tech Tidbits":mailto:techtidbits@maplevalley.example.org' in ics
    assert "METHOD:PUBLISH" in ics


def test_the_edition_is_rendered_once_for_everyone(built, run, smtp, monkeypatch):
    import newsletter.email.render as render

    calls = []
    real = render.inline_css
    monkeypatch.setattr(render, "inline_css", lambda html: calls.append(1) or real(html))
    (built / ".newsletter" / "out" / "2026-11-27.html").unlink()  # force a render at send
    use(monkeypatch, smtp())
    assert run("send", "--yes").exit_code == 0
    assert len(calls) == 1


def test_a_dropped_connection_then_a_rerun_sends_nobody_twice(built, run, smtp, monkeypatch):
    server = smtp(Mailbox(drop_after=2))
    use(monkeypatch, server)
    first = run("send", "--yes")
    assert first.exit_code == 1
    assert "sending stopped: connection lost" in first.output
    assert "again: it sends to everyone not yet reached, once." in first.output
    assert len(server.mailbox.received) == 2
    assert not the_issue(built).sent
    server.mailbox.drop_after = None  # the server is back
    second = run("send", "--yes")
    assert second.exit_code == 0, second.output
    assert "sent to 4 now, 6 of 6 in all" in second.output
    delivered = [a for r in server.mailbox.received for a in r.rcpt_tos]
    assert sorted(delivered) == sorted(STAFF)  # each exactly once
    assert the_issue(built).sent


def test_temporary_refusals_are_retried(built, run, smtp, monkeypatch):
    server = smtp(Mailbox(defer={STAFF[2]: 2}))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    assert len(server.mailbox.to(STAFF[2])) == 1
    assert "temporary failure for teacher3@maplevalley.example.org (450" in result.output


def test_a_permanent_refusal_is_reported_and_the_rest_go_on(built, run, smtp, monkeypatch):
    server = smtp(Mailbox(refuse={STAFF[0]: "550 5.1.1 No such user"}))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert "refused: teacher1@maplevalley.example.org: 550 5.1.1 No such user" in result.output
    assert result.output.rstrip().endswith(
        "1 refused for good (fix or remove them in the staff list, or 'newsletter send "
        "--retry-refused'): teacher1@maplevalley.example.org."
    )
    assert sorted(a for r in server.mailbox.received for a in r.rcpt_tos) == sorted(STAFF[1:])
    entry = the_issue(built)
    assert (entry.status, entry.state) == ("partly sent", "sent to 5 of 6")
    log = (built / ".newsletter" / "sends" / "2026-11-27.jsonl").read_text()
    assert '"event": "refused", "to": "teacher1@maplevalley.example.org"' in log
    # A rerun tries nobody again and still says who is missing.
    again = run("send", "--yes")
    assert again.exit_code == 1
    assert "sent to 0 now, 5 of 6 in all" in again.output
    assert len(server.mailbox.received) == 5
    # The mailbox is fixed: --retry-refused reaches them, once, and the issue is sent.
    server.mailbox.refuse.clear()
    retried = run("send", "--yes", "--retry-refused")
    assert retried.exit_code == 0, retried.output
    assert len(server.mailbox.to(STAFF[0])) == 1
    assert the_issue(built).sent


def test_a_refused_address_removed_from_the_staff_list_completes_the_issue(
    built, run, smtp, monkeypatch
):
    server = smtp(Mailbox(refuse={STAFF[5]: "550 5.1.1 <gone@x>: Recipient address rejected"}))
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 1
    staff = built / "staff.csv"
    rows = staff.read_text().splitlines(True)
    staff.write_text("".join(row for row in rows if STAFF[5] not in row))
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    assert "Issue #1 is recorded as sent" in result.output
    assert len(server.mailbox.received) == 5


def test_deferred_past_the_retries_stays_unsent_for_the_next_run(built, run, smtp, monkeypatch):
    server = smtp(Mailbox(defer={STAFF[3]: 99}))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert "1 deferred" in result.output
    assert not the_issue(built).sent
    server.mailbox.defer.clear()
    assert run("send", "--yes").exit_code == 0
    assert len(server.mailbox.to(STAFF[3])) == 1
    assert len(server.mailbox.received) == len(STAFF)


def test_login_with_a_password_from_the_environment_never_shown(built, run, smtp, monkeypatch):
    server = smtp(login=("techtidbits", "s3cret-Pa55"))
    use(monkeypatch, server, user="techtidbits", password="s3cret-Pa55")
    result = run("send", "--yes", "--verbose")
    assert result.exit_code == 0, result.output
    assert server.logins == ["techtidbits:ok"]
    # The cron log's stamps are in the workspace's zone, and say so (pinned: 15:00 UTC).
    assert "2026-12-01 09:00:00 CST connected to 127.0.0.1" in result.output
    assert "s3cret-Pa55" not in result.output
    import base64

    assert base64.b64encode(b"s3cret-Pa55").decode()[:8] not in result.output


def test_password_command_and_a_refused_login(built, run, smtp, monkeypatch, tmp_path):
    server = smtp(login=("techtidbits", "right"))
    use(monkeypatch, server, user="techtidbits")
    (built / "newsletter.yaml").write_text(
        (built / "newsletter.yaml").read_text() + "smtp:\n  password_command: echo wrong\n"
    )
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert "refused the login for techtidbits: 535" in result.output
    assert "wrong" not in result.output
    assert server.mailbox.received == []
    settings = built / "newsletter.yaml"
    settings.write_text(settings.read_text().replace("echo wrong", "echo right"))
    assert run("send", "--yes").exit_code == 0
    assert server.logins[-1] == "techtidbits:ok"  # smtplib tried each mechanism before
    assert set(server.logins[:-1]) == {"techtidbits:bad"}
    assert len(server.mailbox.received) == len(STAFF)


def test_a_password_in_the_settings_is_refused(built, run):
    (built / "newsletter.yaml").write_text(
        (built / "newsletter.yaml").read_text() + "smtp:\n  host: x\n  password: hunter2\n"
    )
    result = run("send", "--yes")
    assert result.exit_code == 2
    assert "a password does not belong in newsletter.yaml" in result.output
    assert "hunter2" not in result.output


@pytest.fixture(scope="module")
def certificate_authority():
    return trustme.CA()


def tls_contexts(ca, tmp_path):
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server_context, ca_file


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_tls_with_the_certificate_verified(
    built, run, smtp, monkeypatch, tmp_path, mode, certificate_authority
):
    server_context, ca_file = tls_contexts(certificate_authority, tmp_path)
    kwargs = (
        {"starttls": server_context} if mode == "starttls" else {"implicit_tls": server_context}
    )
    server = smtp(**kwargs)
    use(monkeypatch, server, security=mode)
    # Without the district's CA the certificate is not trusted: nothing is sent.
    untrusted = run("send", "--yes")
    assert untrusted.exit_code == 1
    assert "certificate is not trusted" in untrusted.output
    assert server.mailbox.received == []
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    trusted = run("send", "--yes")
    assert trusted.exit_code == 0, trusted.output
    assert len(server.mailbox.received) == len(STAFF)


def test_dry_run_and_confirmation(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    dry = run("send", "--dry-run")
    assert dry.exit_code == 0
    assert (
        "Would send issue #1 'Tech Tidbits #1 - Nov 27, 2026' to 6 recipients via "
        "127.0.0.1:" in dry.output
    )
    assert f"  {STAFF[0]}  (Teacher 1)" in dry.output
    unconfirmed = run("send")
    assert unconfirmed.exit_code == 2
    assert "needs confirmation. Hint: add --yes" in unconfirmed.output
    assert server.mailbox.received == []


def test_a_test_copy_is_marked_and_changes_nothing(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "--to", "jrivera@maplevalley.example.org")
    assert result.exit_code == 0, result.output
    (got,) = server.mailbox.received
    assert got.rcpt_tos == ["jrivera@maplevalley.example.org"]
    assert got.message["Subject"] == "[TEST] Tech Tidbits #1 - Nov 27, 2026"
    assert not the_issue(built).sent
    assert not (built / ".newsletter" / "sends" / "2026-11-27.jsonl").exists()
    assert run("send", "--to", "nobody").exit_code == 2


def test_a_group_only(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes", "--group", "k-2").exit_code == 0
    assert sorted(a for r in server.mailbox.received for a in r.rcpt_tos) == STAFF[:3]


def test_a_distribution_list_address(built, run, smtp, monkeypatch):
    (built / "newsletter.yaml").write_text(
        (built / "newsletter.yaml")
        .read_text()
        .replace("send:\n", "send:\n  list_address: allstaff@maplevalley.example.org\n")
    )
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 0
    (got,) = server.mailbox.received
    assert got.rcpt_tos == ["allstaff@maplevalley.example.org"]


def test_no_smtp_host_means_the_outbox(built, run):
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    outbox = built / ".newsletter" / "outbox" / "2026-11-27"
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == len(STAFF)
    assert b"Subject: Tech Tidbits #1 - Nov 27, 2026" in files[0].read_bytes()
    assert "nothing was sent and the issue is not marked sent" in result.output
    assert not the_issue(built).sent
    # A test copy into the outbox replaces what was there, and says where it went.
    test = run("send", "--to", "jrivera@maplevalley.example.org")
    assert "Wrote 1 message to ws/.newsletter/outbox/2026-11-27" in test.output
    (only,) = outbox.glob("*.eml")
    assert b"Subject: [TEST] Tech Tidbits" in only.read_bytes()


def test_an_overlapping_run_stops_at_the_lock(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    lock = built / ".newsletter" / "lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.truncate(0)
        held.write("build, pid 4242, since 2026-11-27 13:00 UTC")
        held.flush()
        result = run("send", "--yes")
    assert result.exit_code == 1
    assert (
        "another 'newsletter' command is working in this workspace (build, pid 4242"
        in result.output
    )
    assert server.mailbox.received == []


def test_the_rate_limit_is_kept(built, run, smtp, monkeypatch):
    (built / "newsletter.yaml").write_text(
        (built / "newsletter.yaml")
        .read_text()
        .replace("send:\n", "send:\n  rate_per_minute: 600\n")
    )
    server = smtp()
    use(monkeypatch, server)
    arrivals = []
    original = server.mailbox.handle_DATA

    async def timed(*args):
        arrivals.append(time.monotonic())
        return await original(*args)

    server.mailbox.handle_DATA = timed
    assert run("send", "--yes").exit_code == 0
    assert len(arrivals) == len(STAFF)
    # 600 a minute is one every 0.1 s. The first message also waits for the
    # connection, so the first gap can be shorter; the span cannot.
    assert arrivals[-1] - arrivals[0] >= 0.1 * (len(STAFF) - 2)


def test_a_killed_send_resumes_and_names_what_is_in_doubt(built, smtp):
    """Kill -9 in the middle; the rerun sends the rest, nobody twice."""
    server = smtp(Mailbox(delay=0.2))
    env = smtp_env(built, server)
    command = [sys.executable, "-m", "newsletter", "send", "--yes"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while len(server.mailbox.received) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = len(server.mailbox.received)
    assert 3 <= first < len(STAFF)
    time.sleep(0.5)  # let the server finish a message it may have been taking in
    server.mailbox.delay = 0
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    counts = {a: len(server.mailbox.to(a)) for a in STAFF}
    assert max(counts.values()) == 1  # nobody twice
    missing = [a for a, n in counts.items() if n == 0]
    assert len(missing) <= 1  # at most the one in flight
    for address in missing:
        assert f"warning: {address}: in doubt" in rerun.stderr
    # Cron must not see success while someone is in doubt.
    in_doubt = "in doubt (ask them" in rerun.stderr
    assert rerun.returncode == (1 if in_doubt else 0), rerun.stdout + rerun.stderr


def test_nothing_to_send(workspace, run):
    result = run("send", "--yes")
    assert result.exit_code == 0
    assert "Nothing to send" in result.output


def test_names_outside_ascii_are_encoded_in_the_to_header():
    import datetime as dt
    import email
    import email.policy

    from newsletter.email.message import message_for, prepare_email
    from newsletter.email.render import RenderedEmail
    from newsletter.workspace.settings import Settings
    from newsletter.workspace.staff import Recipient
    from tests.issues import sample_issue

    settings = Settings(title="Tech Tidbits", sender="Café Tech <news@example.org>")
    prepared = prepare_email(
        sample_issue(), RenderedEmail("Subject é", "<p>Hi</p>", "Hi\n"), settings
    )
    raw = message_for(
        prepared,
        Recipient("zoe@example.org", "Zoë Ñúñez"),
        dt.datetime(2026, 11, 27, 13, tzinfo=dt.UTC),
    )
    assert raw.isascii()  # every header encoded for 7-bit transport
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["To"] == "Zoë Ñúñez <zoe@example.org>"
    assert parsed["From"] == "Café Tech <news@example.org>"
    assert parsed["Subject"] == "Subject é"
    assert parsed["Date"] == "Fri, 27 Nov 2026 13:00:00 +0000"


def test_at_a_terminal_send_asks_first(built, smtp):
    server = smtp()
    # On the issue day (Friday 2026-11-27, 9:00 in Chicago): a plain question.
    env = {**smtp_env(built, server), "NEWSLETTER_NOW": "2026-11-27T15:00:00+00:00"}
    terminal = Terminal(["-m", "newsletter", "send"], env)
    terminal.read_until(
        b"Send issue #1 'Tech Tidbits #1 - Nov 27, 2026' to 6 recipients via 127.0.0.1? [y/N]"
    )
    terminal.type("y")
    terminal.read_until(b"is recorded as sent")
    assert terminal.exit_code() == 0
    assert len(server.mailbox.received) == len(STAFF)


def test_an_issue_sent_early_or_on_another_weekday_is_remarked_on(built, run, smtp):
    server = smtp()
    # Pinned: Tuesday 2026-12-01. The issue of Friday 2026-12-04 is three days early.
    assert run("add-tip", "Pin the best posts.").exit_code == 0
    assert run("build", "--date", "2026-12-04").exit_code == 0
    terminal = Terminal(["-m", "newsletter", "send", "2"], smtp_env(built, server))
    terminal.read_until(b"[y/N]")
    question = b" ".join(terminal.output.split())
    assert b"Note: issue #2 is dated Fri 2026-12-04, 3 days from now; today is Tuesday, " in (
        question
    )
    assert b"not the issue day (Friday). [y/N]" in question
    terminal.type("n")
    terminal.read_until(b"Aborted")
    assert terminal.exit_code() == 1
    # Issue #1 (Nov 27) is not early, only sent on a Tuesday.
    terminal = Terminal(["-m", "newsletter", "send", "1"], smtp_env(built, server))
    terminal.read_until(b"[y/N]")
    question = b" ".join(terminal.output.split())
    assert b"Note: today is Tuesday, not the issue day (Friday). [y/N]" in question
    assert b"from now" not in question
    terminal.type("n")
    terminal.read_until(b"Aborted")
    assert server.mailbox.received == []


def test_at_a_terminal_no_means_nothing_is_sent(built, smtp):
    server = smtp()
    terminal = Terminal(["-m", "newsletter", "send"], smtp_env(built, server))
    terminal.read_until(b"[y/N]")
    terminal.type("n")
    terminal.read_until(b"Aborted")
    assert terminal.exit_code() == 1
    assert server.mailbox.received == []


def test_two_overlapping_runs_send_once(built, smtp):
    server = smtp(Mailbox(delay=0.1))
    env = smtp_env(built, server)
    command = [sys.executable, "-m", "newsletter", "send", "--yes"]
    first = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 20
    while not server.mailbox.received and time.monotonic() < deadline:
        time.sleep(0.02)
    second = subprocess.run(command, env=env, capture_output=True, text=True)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert second.returncode == 1
    assert "another 'newsletter' command is working in this workspace (send, pid" in second.stderr
    assert sorted(a for r in server.mailbox.received for a in r.rcpt_tos) == sorted(STAFF)


def test_a_test_copy_of_a_sent_issue(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 0
    result = run("send", "--to", "jrivera@maplevalley.example.org")
    assert result.exit_code == 0, result.output
    assert server.mailbox.received[-1].message["Subject"].startswith("[TEST] Tech Tidbits #1")


def test_nothing_built_yet(workspace, run):
    result = run("send", "--to", "jrivera@maplevalley.example.org")
    assert result.exit_code == 0
    assert "Nothing to send: no issue is built." in result.output


def test_a_staff_list_saved_by_excel_on_windows(built, run):
    (built / "staff.csv").write_bytes(
        "Email,Name,Groups\r\njose@maplevalley.example.org,José Núñez,3-5\r\n".encode("cp1252")
    )
    result = run("send", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "jose@maplevalley.example.org  (José Núñez)" in result.output


def test_rendered_files_changed_after_the_build_are_rendered_again(built, run, smtp, monkeypatch):
    html = built / ".newsletter" / "out" / "2026-11-27.html"
    as_built = html.read_text()
    html.write_text(as_built.replace("Padlet", "Something else entirely"))
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 0
    body = server.mailbox.received[0].message.get_body(("html",)).get_content()
    assert "Something else entirely" not in body and "Padlet" in body
    assert html.read_text() == as_built  # what the archive records, again


def test_templates_changed_since_the_build_stop_the_send(built, run, smtp, monkeypatch):
    assert run("templates", "--copy", "email.txt.j2").exit_code == 0
    template = built / "templates" / "email.txt.j2"
    template.write_text(template.read_text() + "\nA line added after the build.\n")
    (built / ".newsletter" / "out" / "2026-11-27.txt").write_text("edited by something else")
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert "is missing or not the one ws/issues/2026-11-27.md records" in result.output
    assert "Build the issue again with 'newsletter build'" in result.output
    assert server.mailbox.received == []
    # Nothing was overwritten with the new templates' rendering.
    assert (built / ".newsletter" / "out" / "2026-11-27.txt").read_text() == (
        "edited by something else"
    )
    assert run("build", "--date", "2026-11-27").exit_code == 0
    assert run("send", "--yes").exit_code == 0
    assert (
        "A line added after the build."
        in server.mailbox.received[0].message.get_body(("plain",)).get_content()
    )
