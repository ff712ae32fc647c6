"""Helpers for store tests: every byte of a store's files, to prove a refusal or a no-op changed nothing."""

from __future__ import annotations

from pathlib import Path

from data.layout import data_root


def store_bytes(manifest: Path) -> dict[str, bytes]:
    """The manifest and every file of the data folder (the lock file excluded), by path relative to its folder."""
    files = {manifest.name: manifest.read_bytes()} if manifest.exists() else {}
    root = data_root(manifest)
    if root.is_dir():
        files |= {str(p.relative_to(manifest.parent)): p.read_bytes() for p in sorted(root.rglob('*')) if p.is_file()}
    return files


def shard_files(manifest: Path) -> list[Path]:
    """The data files (people and organization shards, audit file) of the store's current folder."""
    return sorted(p for p in data_root(manifest).rglob('*.json') if not p.name.startswith('.'))
