"""What a server's refusal means: the address's, or everyone's, and why."""

import pytest

from newsletter.send.replies import (
    DATA,
    END_OF_DATA,
    MAIL_FROM,
    RCPT_TO,
    likely_cause,
    refuses_the_address,
)

SENDER = "news@maplevalley.example.org"


@pytest.mark.parametrize(
    ("stage", "code", "reply", "theirs"),
    [
        (RCPT_TO, 550, "550 5.1.1 <a@x>: Recipient address rejected: User unknown", True),
        (RCPT_TO, 550, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", True),
        (RCPT_TO, 552, "552 5.2.2 Mailbox full", True),
        (RCPT_TO, 552, "552 Requested mail action aborted: exceeded storage allocation", True),
        (RCPT_TO, 550, "550 No such user here", True),
        (RCPT_TO, 554, "554 5.7.1 <a@x>: Relay access denied", False),
        (RCPT_TO, 550, "550 5.7.1 Client host rejected", False),
        (MAIL_FROM, 550, "550 5.1.0 Sender rejected", False),
        (END_OF_DATA, 550, "550 5.1.1 odd", False),
        (RCPT_TO, 450, "450 4.2.1 Mailbox busy", False),
    ],
)
def test_only_a_refusal_of_an_address_at_rcpt_is_the_addresss(stage, code, reply, theirs):
    assert refuses_the_address(stage, code, reply) is theirs


@pytest.mark.parametrize(
    ("stage", "reply", "meaning"),
    [
        (END_OF_DATA, "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceeded", "quota"),
        (
            MAIL_FROM,
            "550 5.7.60 Client does not have permissions to send as this sender",
            "send as",
        ),
        (END_OF_DATA, "554 5.7.1 Message rejected as spam", "content filter"),
        (END_OF_DATA, "554 5.7.1 Message moderated by list owner", "content filter"),
        (END_OF_DATA, "554 5.7.1 Auto-generated message rejected", "content filter"),
        (RCPT_TO, "554 5.7.1 Unauthorized relay attempt", "relay"),
        (RCPT_TO, "530 5.7.0 Authentication required", "wants a login"),
        (END_OF_DATA, "552 5.3.4 Message size exceeds fixed limit", "too large"),
        (DATA, "503 5.5.1 Bad sequence of commands", "ask IT what its reply means"),
    ],
)
def test_the_likely_cause_is_read_from_whole_words(stage, reply, meaning):
    assert meaning in likely_cause(stage, reply, SENDER)
