"""The RS256 signing key, kept across restarts so ID tokens issued before a restart still verify."""

from __future__ import annotations

import json
from pathlib import Path

from joserfc.jwk import RSAKey

from .private_file import write_private_file

KEY_SIZE = 2048
ALGORITHM = 'RS256'


def load_or_create_signing_key(path: Path) -> RSAKey:
    """Load the private JWK at `path`, or create one there (mode 0600, written atomically)."""
    if path.exists():
        return _load(path)
    key = RSAKey.generate_key(KEY_SIZE, parameters={'alg': ALGORITHM, 'use': 'sig'}, private=True, auto_kid=True)
    _write_private(path, json.dumps(key.as_dict(private=True)))
    return key


def _load(path: Path) -> RSAKey:
    try:
        key = RSAKey.import_key(json.loads(path.read_text(encoding='utf-8')))
    except (ValueError, TypeError) as error:
        raise ValueError(f'{path} is not a private RSA JWK; delete it to create a new demo signing key') from error
    if not key.is_private:
        raise ValueError(f'{path} holds a public key only; delete it to create a new demo signing key')
    key.ensure_kid()
    return key


def _write_private(path: Path, text: str) -> None:
    """Mode 0600 from the start, replaced whole: a crash leaves either no key file or a complete one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_file(path, text.encode('utf-8'))
