"""The search: its loop, hall of fame, checkpoints and live progress."""
