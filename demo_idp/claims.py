"""The claims a demo account carries, in the ID token and from the userinfo endpoint alike."""

from __future__ import annotations

from authlib.oidc.core import UserInfo

from .accounts import DemoAccount

ACCOUNT_CLAIMS = ('sub', 'name', 'email', 'preferred_username', 'tid')
CLAIMS_SUPPORTED = ('iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', *ACCOUNT_CLAIMS)


def account_claims(account: DemoAccount) -> UserInfo:
    """Every claim regardless of scope: the accounts are fictional, and the portal always asks for all of them."""
    return UserInfo(sub=account.subject, name=account.name, email=account.email,
                    preferred_username=account.email, tid=account.home)
