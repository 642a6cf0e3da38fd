"""The record: every issue as it was published (a markdown file each), and the send
log of who has which."""
