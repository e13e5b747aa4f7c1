"""The shared frame and reusable widgets of the screens."""
