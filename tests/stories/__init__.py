"""Conversation stories (YAML) and the helpers both story runners share."""
