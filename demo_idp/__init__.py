"""A demo OpenID Connect provider: its own application, which the portal mounts when no real provider is configured.

The protocol (Authlib's server classes) lives in this package, its Starlette routes and HTML pages in `web/`, its
texts in `locales/`. It imports nothing from the portal (`ui`, `services`, `data`): the portal hands it accounts.
"""

from .accounts import DemoAccount
from .config import DemoProviderConfig
from .outcomes import ProviderRequest, Refusal, Reply, SignedOut, SignInPrompt
from .provider import DemoProvider

__all__ = ['DemoAccount', 'DemoProvider', 'DemoProviderConfig', 'ProviderRequest', 'Refusal', 'Reply', 'SignInPrompt',
           'SignedOut']
