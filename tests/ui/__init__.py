"""Screens driven through NiceGUI's simulated user."""
