"""Which `iss` values count as our provider's, including Microsoft Entra's multi-tenant `{tenantid}` template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TENANT_PLACEHOLDER = '{tenantid}'
MULTI_TENANT_SEGMENTS = ('common', 'organizations', 'consumers')


@dataclass(frozen=True, slots=True)
class IssuerRule:
    """`configured` is the issuer the operator set; `published` is what the provider's discovery says."""

    configured: str
    published: str

    @property
    def templated(self) -> bool:
        return TENANT_PLACEHOLDER in self.published

    def matches_discovery(self) -> bool:
        """The discovery document must name our issuer; a template only for a multi-tenant endpoint of it."""
        if self.published == self.configured or not self.templated:
            return self.published == self.configured
        return any(self.published.replace(TENANT_PLACEHOLDER, segment) == self.configured
                   for segment in MULTI_TENANT_SEGMENTS)

    def accepts_token(self, claims: Mapping[str, Any]) -> bool:
        """The ID token's `iss`: equal to the issuer, or to the template filled with the token's own `tid`."""
        issuer = claims.get('iss')
        if not self.templated:
            return issuer == self.configured
        tenant = claims.get('tid')
        if not isinstance(tenant, str) or not tenant or '/' in tenant:
            return False
        return issuer == self.published.replace(TENANT_PLACEHOLDER, tenant)

    def accepts_response_parameter(self, issuer: str) -> bool:
        """RFC 9207 `iss` on the authorization response (a template can't be checked before the token)."""
        return self.templated or issuer == self.configured
