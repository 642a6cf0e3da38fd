"""The district's register of vetted tools (approvals.yaml): its decisions, read,
written, imported, and said in a line for teachers."""
