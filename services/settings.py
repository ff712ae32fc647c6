"""One typed settings object, read once from the environment (and a `.env` file) and passed down."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.atomic_files import write_atomically

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / 'var'


class SettingsError(ValueError):
    """The configuration cannot run safely; the message says which variable to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='MYPROFILE_', env_file='.env', extra='ignore')

    oidc_issuer: str = ''
    oidc_client_id: str = ''
    oidc_client_secret: str = ''
    public_url: str = 'http://localhost:8080'
    host: str = '127.0.0.1'
    port: int = Field(default=8080, ge=1, le=65535)
    db: Path = DEFAULT_DATA_DIR / 'directory.json'
    storage_secret: str = ''
    home_org_claim: str = 'tid'
    # None (unset or empty): the relying party chooses from the provider's discovery document
    oidc_token_auth_method: Literal['client_secret_basic', 'client_secret_post'] | None = None
    oidc_algorithms: str = 'RS256,ES256,PS256'
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=12, ge=1, le=24 * 30)
    rate_limit_sign_ins: int = Field(default=10, ge=1)
    rate_limit_leaves: int = Field(default=20, ge=1)
    retention_days: int = Field(default=30, ge=0, le=3650)  # a left membership is kept this long, then purged
    invitation_days: int = Field(default=14, ge=1, le=365)  # how long an invitation link can be used
    trusted_proxies: str = ''  # addresses or networks of the reverse proxies whose X-Forwarded-* headers count

    @field_validator('public_url', 'oidc_issuer')
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip('/')

    @field_validator('oidc_token_auth_method', mode='before')
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator('trusted_proxies')
    @classmethod
    def _proxies_are_networks(cls, value: str) -> str:
        for part in _parts(value):
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f'{part!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)') from None
        return ','.join(_parts(value))

    @property
    def trusted_proxy_list(self) -> tuple[str, ...]:
        return tuple(_parts(self.trusted_proxies))

    @model_validator(mode='after')
    def _refuse_unsafe(self) -> Settings:
        if not self.public_url.startswith(('http://', 'https://')):
            raise SettingsError(f'MYPROFILE_PUBLIC_URL must start with http:// or https://, got {self.public_url!r}')
        weak = {'none', 'HS256', 'HS384', 'HS512'} & set(self.allowed_algorithms)
        if weak or not self.allowed_algorithms:
            raise SettingsError('MYPROFILE_OIDC_ALGORITHMS must list asymmetric signing algorithms only '
                                f'(for example RS256,ES256,PS256); refused: {", ".join(sorted(weak)) or "empty"}')
        if self.demo_provider:
            return self
        missing = [name for name, value in (('MYPROFILE_OIDC_CLIENT_ID', self.oidc_client_id),
                                            ('MYPROFILE_STORAGE_SECRET', self.storage_secret)) if not value]
        if missing:
            raise SettingsError(f'An external identity provider is configured (MYPROFILE_OIDC_ISSUER), '
                                f'so {" and ".join(missing)} must be set too.')
        if len(self.storage_secret) < 32:
            raise SettingsError('MYPROFILE_STORAGE_SECRET must be at least 32 characters of random text '
                                '(for example: python -c "import secrets; print(secrets.token_urlsafe(48))").')
        return self

    @property
    def demo_provider(self) -> bool:
        """With no external issuer the app serves its own demo identity provider."""
        return not self.oidc_issuer

    @property
    def data_dir(self) -> Path:
        return self.db.resolve().parent

    @property
    def redirect_uri(self) -> str:
        return f'{self.public_url}/auth/callback'

    @property
    def https(self) -> bool:
        return self.public_url.startswith('https://')

    @property
    def public_origin(self) -> str:
        """Scheme, host and port of the public URL: the only Origin allowed to open the live connection."""
        scheme, _, rest = self.public_url.partition('://')
        return f'{scheme}://{rest.split("/", 1)[0]}'

    @property
    def allowed_algorithms(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.oidc_algorithms.split(',') if a.strip())

    @property
    def session_cookie(self) -> str:
        """`__Host-` binds the cookie to this exact origin over https (no Domain, Path=/, Secure)."""
        return '__Host-myprofile' if self.https else 'myprofile'


def load_settings() -> Settings:
    """Read the settings, turning validation failures into one readable `SettingsError`."""
    try:
        return Settings()
    except ValidationError as error:
        problems = [(f'MYPROFILE_{".".join(map(str, e["loc"])).upper()}: ' if e['loc'] else '') +
                    e['msg'].removeprefix('Value error, ') for e in error.errors()]
        raise SettingsError('; '.join(problems)) from None


def demo_storage_secret(data_dir: Path) -> str:
    """The demo's cookie-signing secret: random, made once, kept beside the store (mode 0600)."""
    path = data_dir / 'demo-storage-secret'
    try:
        return path.read_text(encoding='ascii').strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    write_atomically(path, secret.encode('ascii'), mode=0o600)
    return secret


def _parts(value: str) -> list[str]:
    return [part.strip() for part in value.split(',') if part.strip()]
