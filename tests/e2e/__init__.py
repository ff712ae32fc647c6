"""End-to-end tests: the real portal in its own process, driven through Debian's headless Chromium."""
