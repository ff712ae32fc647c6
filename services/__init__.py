"""Domain logic of the portal: plain Python, no web framework and no database driver."""
