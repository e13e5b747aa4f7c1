"""Business rules and adapters; no module here imports NiceGUI."""
