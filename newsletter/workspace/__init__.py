"""The editor's folder and the values in it: where it is, its settings, the staff list,
the YAML and files it is made of, its lock, and the starter files of a new one."""
