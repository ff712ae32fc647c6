"""Reusable widgets: organization cards and the leave confirmation."""
