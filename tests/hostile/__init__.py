"""Attacks on the tool, by class: each file holds one family of hostile input."""
