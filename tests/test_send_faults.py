"""newsletter send against the faults real relays produce, each answered by a real
SMTP server on loopback at the stage named: what is recorded, the exit status, and
that a rerun after the cause is fixed reaches everyone exactly once."""

import json

import pytest

from newsletter.catalog.db import load_archive
from newsletter.workspace.folder import Workspace
from tests.conftest import STAFF, the_issue, use
from tests.smtpserver import Mailbox


def delivered(server) -> list[str]:
    return sorted(a for r in server.mailbox.received for a in r.rcpt_tos)


def log_events(workspace) -> list[dict]:
    path = workspace / ".newsletter" / "sends" / "2026-11-27.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def assert_everyone_once_after_the_fix(run, server, workspace) -> None:
    rerun = run("send", "--yes")
    assert rerun.exit_code == 0, rerun.output
    assert delivered(server) == sorted(STAFF)  # each exactly once, over both runs
    assert the_issue(workspace).sent


@pytest.mark.parametrize(
    ("reply", "meaning"),
    [
        ("554 5.7.1 Message rejected as spam by Content Filtering", "a content filter"),
        (
            "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; "
            "Failed to process message due to a permanent exception",
            "sending limit (quota) is used up",
        ),
    ],
)
def test_a_refusal_of_the_message_stops_the_run_and_marks_nobody(
    built, run, smtp, monkeypatch, reply, meaning
):
    server = smtp(Mailbox(refuse_message=reply))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    last = result.output.rstrip().splitlines()[-1]
    assert f"refused the message to {STAFF[0]} at the end of DATA: '{reply}'" in last
    assert meaning in last
    assert "This stop marks nobody as refused for good" in last
    assert server.mailbox.received == []
    assert not any(e["event"] == "refused" for e in log_events(built))
    entry = the_issue(built)
    assert entry.status == "draft"
    server.mailbox.refuse_message = None  # IT fixed it
    assert_everyone_once_after_the_fix(run, server, built)


def test_a_quota_reached_half_way_leaves_the_rest_for_the_rerun(built, run, smtp, monkeypatch):
    quota = "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException"
    server = smtp(Mailbox(refuse_message=quota, refuse_after=2))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert "quota" in result.output.splitlines()[-1]
    assert len(server.mailbox.received) == 2
    entry = the_issue(built)
    assert (entry.status, entry.state) == ("partly sent", "sent to 2 of 6")
    assert "Nothing to send" not in run("send", "--yes").output  # still unsent, still fails
    server.mailbox.refuse_message = None
    assert_everyone_once_after_the_fix(run, server, built)


def test_a_refused_sender_stops_the_run(built, run, smtp, monkeypatch):
    reply = "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
    server = smtp(Mailbox(refuse_sender=reply))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    last = result.output.rstrip().splitlines()[-1]
    assert f"refused the message to {STAFF[0]} at MAIL FROM: '{reply}'" in last
    assert "does not let this account send as techtidbits@maplevalley.example.org" in last
    assert server.mailbox.received == [] and not the_issue(built).published
    server.mailbox.refuse_sender = None
    assert_everyone_once_after_the_fix(run, server, built)


def test_a_refusal_at_rcpt_that_is_not_about_the_address_stops_the_run(
    built, run, smtp, monkeypatch
):
    server = smtp(Mailbox(refuse={STAFF[0]: "554 5.7.1 <x>: Relay access denied"}))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert f"refused the message to {STAFF[0]} at RCPT TO" in result.output
    assert "will not relay" in result.output
    assert server.mailbox.received == []
    assert not any(e["event"] == "refused" for e in log_events(built))


def test_the_same_permanent_reply_three_times_in_a_row_is_the_servers(
    built, run, smtp, monkeypatch
):
    reply = "550 5.1.0 Sender denied by policy"  # looks like an address error, is not
    server = smtp(Mailbox(refuse={a: reply for a in STAFF}))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert "gave the same answer for 3 recipients in a row" in result.output
    assert "This stop marks nobody as refused for good" in result.output
    assert "remove them from the staff list (their rows: ws/staff.csv:2, " in result.output
    assert server.mailbox.received == []
    # The three were taken back: a rerun tries them again.
    assert f"{STAFF[0]}: refused for good" not in result.output
    server.mailbox.refuse.clear()
    assert_everyone_once_after_the_fix(run, server, built)


def test_different_unknown_mailboxes_are_each_refused_and_the_rest_go_on(
    built, run, smtp, monkeypatch
):
    server = smtp(
        Mailbox(refuse={a: f"550 5.1.1 <{a}>: Recipient address rejected" for a in STAFF[:3]})
    )
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert delivered(server) == sorted(STAFF[3:])
    assert "3 refused for good" in result.output.splitlines()[-1]
    assert "ws/staff.csv:2: teacher1@maplevalley.example.org: refused for good" in result.output


def test_a_drop_after_the_final_dot_leaves_that_person_in_doubt(built, run, smtp, monkeypatch):
    server = smtp(Mailbox(store_then_hang_up={STAFF[2]}))
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert len(server.mailbox.to(STAFF[2])) == 1  # the server has it
    assert delivered(server) == sorted(STAFF)  # and the rest went on
    assert f"warning: {STAFF[2]}: in doubt (the connection was lost after" in result.output
    assert result.output.rstrip().endswith(
        f"1 in doubt (ask them; 'newsletter send --resend-in-doubt' sends them a copy): {STAFF[2]}."
    )
    assert the_issue(built).state == "sent to 5 of 6"
    # Not retried by a rerun, and cron keeps seeing a failure.
    rerun = run("send", "--yes")
    assert rerun.exit_code == 1
    assert len(server.mailbox.to(STAFF[2])) == 1
    # Asked for: sent again, after confirmation.
    unconfirmed = run("send", "--resend-in-doubt")
    assert unconfirmed.exit_code == 2
    assert f"1 of them may have it already (in doubt: {STAFF[2]})" in unconfirmed.output
    resent = run("send", "--resend-in-doubt", "--yes")
    assert resent.exit_code == 0, resent.output
    assert len(server.mailbox.to(STAFF[2])) == 2
    assert the_issue(built).sent


def test_a_drop_before_the_final_dot_is_retried(built, run, smtp, monkeypatch):
    server = smtp(Mailbox(drop_after=3))
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 1
    assert len(server.mailbox.received) == 3
    server.mailbox.drop_after = None
    assert_everyone_once_after_the_fix(run, server, built)


def test_a_group_send_leaves_the_issue_open_for_the_rest(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    first = run("send", "--yes", "--group", "K-2")
    assert first.exit_code == 0, first.output
    assert delivered(server) == sorted(STAFF[:3])
    assert "sent to 3 now, 3 of 3 in group K-2" in first.output
    assert "recorded as sent to 3 of 6" in first.output
    listed = run("list")
    assert "sent to 3 of 6" in listed.stdout
    # Building again must not change what some already have.
    rebuilt = run("build", "--date", "2026-11-27")
    assert "was already sent to 3 of 6; a sent issue is never rebuilt" in rebuilt.output
    rest = run("send", "--yes")
    assert rest.exit_code == 0, rest.output
    assert "sent to 3 now, 6 of 6 in all" in rest.output
    assert_everyone_once_after_the_fix(run, server, built)


def test_groups_may_be_repeated(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "--yes", "--group", "k-2", "--group", "3-5")
    assert result.exit_code == 0, result.output
    assert delivered(server) == sorted(STAFF)
    assert the_issue(built).sent
    unknown = run("send", "--yes", "--group", "9-12", "--to", "x@y.org")
    assert unknown.exit_code == 0  # a test copy ignores groups
    assert run("send", "--dry-run", "--group", "nope").exit_code == 0  # sent: nothing to do


def test_an_unknown_group_names_the_known_ones(built, run):
    result = run("send", "--dry-run", "--group", "K-2", "--group", "9-12")
    assert result.exit_code == 2
    assert "--group: nobody on the staff list is in the group '9-12'" in result.output
    assert "The groups in staff.csv are: 3-5, K-2." in result.output


def write_staff_with_jorg(workspace) -> str:
    jorg = "jörg.müller@maplevalley.example.org"
    rows = ["email,name,groups"] + [f"{a},Teacher {n}," for n, a in enumerate(STAFF[:3], 1)]
    rows[4:4] = [f"{jorg},Jörg Müller,"]
    rows += [f"{a},Teacher {n}," for n, a in enumerate(STAFF[3:], 4)]
    (workspace / "staff.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return jorg


def test_an_address_outside_ascii_goes_by_smtputf8(built, run, smtp, monkeypatch):
    jorg = write_staff_with_jorg(built)
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    (got,) = server.mailbox.to(jorg)
    assert got.message["To"] == f"Jörg Müller <{jorg}>"
    assert delivered(server) == sorted([*STAFF, jorg])


def test_without_smtputf8_that_row_is_named_and_the_rest_go_on(built, run, smtp, monkeypatch):
    jorg = write_staff_with_jorg(built)
    server = smtp(smtputf8=False)
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert delivered(server) == sorted(STAFF)  # rows after it too
    assert f"warning: ws/staff.csv:5: {jorg}: refused for good: the address has letters " in (
        result.output
    )
    assert "(no SMTPUTF8)" in result.output
    checked = run("check")
    assert f"warning: ws/staff.csv:5: {jorg} has letters outside ASCII" in checked.output


def test_list_shows_a_partly_sent_issue(built, run, smtp, monkeypatch):
    server = smtp(Mailbox(refuse={STAFF[1]: "550 5.1.1 No such user"}))
    use(monkeypatch, server)
    run("send", "--yes")
    (entry,) = load_archive(Workspace(built))
    assert entry.reached == 5 and entry.recipients == 6
    line = run("list").stdout.splitlines()[0]
    assert line.startswith("#1    2026-11-27  sent to 5 of 6")


def test_addresses_the_server_keeps_refusing_alike_never_block_the_others(
    built, run, smtp, monkeypatch
):
    """Exchange answers every unknown mailbox with the same words: three departed
    teachers in a row stop a run, but the rerun reaches everyone else first."""
    gone = "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found"
    server = smtp(Mailbox(refuse={a: gone for a in STAFF[:3]}))
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 1
    assert server.mailbox.received == []
    rerun = run("send", "--yes")
    assert rerun.exit_code == 1
    assert delivered(server) == sorted(STAFF[3:])  # the others, once
    assert "remove them from the staff list" in rerun.output.splitlines()[-1]


def test_one_address_whose_message_is_refused_goes_last_next_time(built, run, smtp, monkeypatch):
    server = smtp(Mailbox())
    original = server.mailbox.handle_DATA

    async def refuse_one(srv, session, envelope):
        if STAFF[1] in envelope.rcpt_tos:
            return "554 5.7.1 Message rejected by recipient policy"
        return await original(srv, session, envelope)

    server.mailbox.handle_DATA = refuse_one
    use(monkeypatch, server)
    first = run("send", "--yes")
    assert first.exit_code == 1
    assert f"refused the message to {STAFF[1]} at the end of DATA" in first.output
    second = run("send", "--yes")
    assert second.exit_code == 1
    assert delivered(server) == sorted(a for a in STAFF if a != STAFF[1])


def test_an_unreadable_answer_after_the_final_dot_leaves_them_in_doubt(
    built, run, smtp, monkeypatch
):
    server = smtp(Mailbox())
    original = server.mailbox.handle_DATA

    async def garbled(srv, session, envelope):
        reply = await original(srv, session, envelope)
        return "OK queued" if STAFF[2] in envelope.rcpt_tos else reply

    server.mailbox.handle_DATA = garbled
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert len(server.mailbox.to(STAFF[2])) == 1  # never a second copy
    assert f"{STAFF[2]}: in doubt (the server's answer after the whole message" in result.output
    assert delivered(server) == sorted(STAFF)


def test_a_connection_the_server_closed_between_messages_is_opened_again(
    built, run, smtp, monkeypatch
):
    """A relay that takes two messages per connection, then answers 421 to MAIL."""
    server = smtp(Mailbox())
    original = server.mailbox.handle_MAIL
    count = {"messages": 0}

    async def per_connection(srv, session, envelope, address, options):
        seen = getattr(session, "taken", 0)
        if seen >= 2:
            srv.transport.close()
            return "421 4.7.0 Too many messages on this connection"
        session.taken = seen + 1
        count["messages"] += 1
        return await original(srv, session, envelope, address, options)

    server.mailbox.handle_MAIL = per_connection
    monkeypatch.setenv("NEWSLETTER_SMTP_HOST", "127.0.0.1")
    (built / "newsletter.yaml").write_text(
        (built / "newsletter.yaml").read_text().replace("send:\n", "send:\n  retries: 1\n")
    )
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    assert delivered(server) == sorted(STAFF)
    assert "over 3 connections" in result.output


def test_a_single_unknown_group_names_the_known_ones(built, run):
    result = run("send", "--dry-run", "--group", "nope")
    assert result.exit_code == 2
    assert "nobody on the staff list is in the group 'nope'" in result.output


@pytest.mark.parametrize("verbose", [(), ("--verbose",)])
def test_a_test_copy_with_the_wrong_security_says_why_once(built, run, smtp, monkeypatch, verbose):
    server = smtp()
    use(monkeypatch, server, security="ssl")
    result = run("send", "--to", "me@maplevalley.example.org", *verbose)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert "The test copy to me@maplevalley.example.org was not sent: " in line
    assert f"does not speak TLS from the start on port {server.port}" in line
    assert line.count("Hint:") == 1 and line.endswith("'none' port 25.")
    assert "the run stopped before sending it" not in result.output


def test_a_staff_send_with_the_wrong_security_says_why_once(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server, security="ssl")
    result = run("send", "--yes")
    assert result.exit_code == 1
    last = result.output.splitlines()[-1]
    assert last.count("does not speak TLS") == 1 and last.count("Hint:") == 1
    assert ".." not in last
    assert "When the cause is fixed, run 'newsletter send' again" in last


def nothing_listening() -> int:
    """A loopback port nobody listens on: bound, then let go."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_test_copy_to_a_port_nobody_listens_on_fails_at_once(built, run, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NEWSLETTER_SMTP_PORT", str(nothing_listening()))
    monkeypatch.setenv("NEWSLETTER_SMTP_SECURITY", "none")
    copy = run("send", "--to", "me@maplevalley.example.org")
    assert copy.exit_code == 1
    assert "connection refused" in copy.output and "trying again" not in copy.output
    staff = run("send", "--yes")  # a staff send keeps its patience: it tries again
    assert staff.exit_code == 1 and "trying again" in staff.output
