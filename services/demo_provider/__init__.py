"""The built-in demo OpenID Connect provider, served only when no external identity provider is configured."""

from .config import DemoProviderConfig
from .outcomes import ProviderRequest, Refusal, Reply, SignedOut, SignInPrompt
from .provider import DemoProvider

__all__ = ['DemoProvider', 'DemoProviderConfig', 'ProviderRequest', 'Refusal', 'Reply', 'SignInPrompt', 'SignedOut']
