"""ID tokens as the fake provider mints them: real joserfc signatures, and the forgeries it can be told to make."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any, Literal

from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

Signing = Literal['good', 'wrong-key', 'unknown-kid', 'none', 'hs256-public-pem', 'hs256-public-jwk', 'rs512',
                  'hs256-client-secret']
KeyType = Literal['RSA', 'EC']

# The algorithm a forged token names, which a lying provider also announces in its discovery document.
FORGED_ALGORITHMS = {'none': 'none', 'hs256-public-pem': 'HS256', 'hs256-public-jwk': 'HS256', 'rs512': 'RS512',
                     'hs256-client-secret': 'HS256'}

DROP: Any = object()  # in `ProviderSettings.claim_changes`: leave that claim out of the ID token


class SigningKeys:
    """The provider's current signing key and the retired ones its JWKS still publishes."""

    def __init__(self, key_type: KeyType = 'RSA') -> None:
        self.current = _generate_key(key_type)
        self.retired: list[RSAKey | ECKey] = []

    @property
    def algorithm(self) -> str:
        return 'RS256' if isinstance(self.current, RSAKey) else 'ES256'

    def rotate(self, key_type: KeyType = 'RSA') -> None:
        """Sign with a new key under a new kid from now on."""
        self.retired.insert(0, self.current)
        self.current = _generate_key(key_type)

    def jwks(self, *, without_kid: bool) -> dict[str, Any]:
        """The public keys; `without_kid` publishes the current key alone, with no kid at all."""
        if without_kid:
            key = self.current.as_dict(private=False)
            key.pop('kid', None)
            return {'keys': [key]}
        return {'keys': [key.as_dict(private=False) for key in (self.current, *self.retired)]}


def mint_id_token(claims: dict[str, Any], keys: SigningKeys, *, signing: Signing, without_kid: bool,
                  client_secret: str) -> str:
    """The ID token signed the way `signing` says: properly, or as one of the classic forgeries."""
    kid = {} if without_kid else {'kid': str(keys.current.kid)}
    return _SIGNERS[signing](claims, keys, kid, client_secret)


def _genuine(claims: dict[str, Any], keys: SigningKeys, kid: dict[str, str], _secret: str) -> str:
    return jwt.encode({'alg': keys.algorithm, **kid}, claims, keys.current, algorithms=[keys.algorithm])


def _by_an_impostor_under_the_genuine_kid(claims: dict[str, Any], keys: SigningKeys, kid: dict[str, str],
                                          _secret: str) -> str:
    impostor = _generate_key('RSA' if isinstance(keys.current, RSAKey) else 'EC')
    return jwt.encode({'alg': keys.algorithm, **kid}, claims, impostor, algorithms=[keys.algorithm])


def _by_an_unpublished_key(claims: dict[str, Any], _keys: SigningKeys, _kid: dict[str, str], _secret: str) -> str:
    """A key the JWKS never published, under a kid of its own."""
    impostor = _generate_key('RSA')
    return jwt.encode({'alg': 'RS256', 'kid': str(impostor.kid)}, claims, impostor, algorithms=['RS256'])


def _unsigned(claims: dict[str, Any], _keys: SigningKeys, _kid: dict[str, str], _secret: str) -> str:
    """Hand-crafted `alg: none` (joserfc rightly refuses to make one): header.payload and an empty signature."""
    return f'{_b64_json({"alg": "none", "typ": "JWT"})}.{_b64_json(claims)}.'


def _hmac_keyed_by_the_public_pem(claims: dict[str, Any], keys: SigningKeys, kid: dict[str, str],
                                  _secret: str) -> str:
    """Key confusion: the public key's PEM used as an HMAC secret."""
    return _hmac_signed(claims, keys.current.as_pem(private=False), kid)


def _hmac_keyed_by_the_public_jwk(claims: dict[str, Any], keys: SigningKeys, kid: dict[str, str],
                                  _secret: str) -> str:
    """The same confusion with the public key's JSON form."""
    return _hmac_signed(claims, json.dumps(keys.current.as_dict(private=False)).encode(), kid)


def _rs512(claims: dict[str, Any], keys: SigningKeys, kid: dict[str, str], _secret: str) -> str:
    return jwt.encode({'alg': 'RS512', **kid}, claims, keys.current, algorithms=['RS512'])


def _hmac_keyed_by_the_client_secret(claims: dict[str, Any], _keys: SigningKeys, _kid: dict[str, str],
                                     secret: str) -> str:
    return jwt.encode({'alg': 'HS256'}, claims, OctKey.import_key(secret), algorithms=['HS256'])


_SIGNERS: dict[str, Callable[[dict[str, Any], SigningKeys, dict[str, str], str], str]] = {
    'good': _genuine, 'wrong-key': _by_an_impostor_under_the_genuine_kid, 'unknown-kid': _by_an_unpublished_key,
    'none': _unsigned, 'hs256-public-pem': _hmac_keyed_by_the_public_pem,
    'hs256-public-jwk': _hmac_keyed_by_the_public_jwk, 'rs512': _rs512,
    'hs256-client-secret': _hmac_keyed_by_the_client_secret,
}


def s256_challenge(verifier: str) -> str:
    return _b64(hashlib.sha256(verifier.encode()).digest())


def _generate_key(key_type: KeyType) -> RSAKey | ECKey:
    parameters = {'kid': secrets.token_hex(8), 'use': 'sig'}
    if key_type == 'EC':
        return ECKey.generate_key('P-256', parameters=parameters)
    return RSAKey.generate_key(2048, parameters=parameters)


def _hmac_signed(claims: dict[str, Any], secret: bytes, kid: dict[str, str]) -> str:
    """Hand-crafted HS256 (joserfc refuses public-key material as an HMAC secret, as a verifier should)."""
    signing_input = f'{_b64_json({"alg": "HS256", "typ": "JWT", **kid})}.{_b64_json(claims)}'
    return f'{signing_input}.{_b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}'


def _b64_json(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(',', ':')).encode())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()
