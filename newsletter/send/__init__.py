"""Send: choosing what goes to whom, the sending and its report, the mail transports,
the replies, and the Friday job."""
