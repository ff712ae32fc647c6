"""One typed settings object, read once from the environment (and a `.env` file) and passed down."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from data.atomic_files import write_atomically
from services import mail_settings

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
    database_url: str = ''  # postgresql://…: the PostgreSQL store instead of the TinyDB one (MYPROFILE_DB)
    redis_url: str = ''  # redis://…: sessions, sign-ins in flight and rate limits shared by every instance
    storage_secret: str = ''
    home_org_claim: str = 'tid'
    # None (unset or empty): the relying party chooses from the provider's discovery document
    oidc_token_auth_method: Literal['client_secret_basic', 'client_secret_post'] | None = None
    oidc_algorithms: str = 'RS256,ES256,PS256'
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=12, ge=1, le=24 * 30)
    rate_limit_sign_ins: int = Field(default=10, ge=1)  # sessions one person may start per minute
    sign_in_failures_per_address: int = Field(default=100, ge=1)  # failed or abandoned, per 10 minutes
    sign_in_failures_per_person: int = Field(default=10, ge=1)  # failed after the provider named them, per 10 min
    pending_sign_ins_per_address: int = Field(default=500, ge=1, le=10_000)  # unfinished sign-ins one address holds
    rate_limit_leaves: int = Field(default=20, ge=1)
    retention_days: int = Field(default=30, ge=0, le=3650)  # a left membership is kept this long, then purged
    invitation_days: int = Field(default=14, ge=1, le=365)  # how long an invitation link can be used
    trusted_proxies: str = ''  # addresses or networks of the reverse proxies whose X-Forwarded-* headers count
    max_connections: int = Field(default=2000, ge=10, le=1_000_000)  # open connections (pages hold one each)
    header_timeout_seconds: float = Field(default=10, gt=0, le=300)  # a request head must arrive within this
    smtp_url: str = ''  # where invitation mail goes (services/mail_settings.py); empty: links are copied by hand
    mail_from: str = ''  # From of invitation mail; empty: My Profile <no-reply@{public URL host}>
    smtp_ca_file: str = ''  # PEM file of a private CA that signed the mail server's certificate

    demo: bool = False  # serve the demo provider even on a store that holds people who are not the demo's

    @field_validator('oidc_issuer', mode='before')
    @classmethod
    def _issuer_is_unset_or_a_url(cls, value: object) -> object:
        # unset or empty means the demo provider; set to blanks is a mistake that must not turn the demo on
        if isinstance(value, str) and value and not value.strip():
            raise SettingsError('set but blank; unset it for the demo provider, or give the https URL of your '
                                'identity provider')
        return value

    @field_validator('public_url', 'oidc_issuer')
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip('/')

    @field_validator('database_url')
    @classmethod
    def _database_url_is_postgresql(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(('postgresql://', 'postgres://')):
            raise ValueError('must be a postgresql:// URL (e.g. postgresql://portal@db.example/myprofile), or unset '
                             'for the TinyDB store in MYPROFILE_DB')
        return value

    @field_validator('redis_url')
    @classmethod
    def _redis_url_is_redis(cls, value: str) -> str:
        """Only the kind of URL is named in the message: the value may hold a password."""
        value = value.strip()
        if not value:
            return value
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  (raises on a malformed port)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ('redis', 'rediss') or not parts.hostname:
            raise ValueError('must be a redis:// or rediss:// URL with a host (e.g. redis://cache.example:6379/0), '
                             'or unset to keep sessions, sign-ins and rate limits in memory')
        return value

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

    @field_validator('smtp_url')
    @classmethod
    def _smtp_url_is_safe(cls, value: str) -> str:
        return mail_settings.check_smtp_url(value)

    @field_validator('mail_from')
    @classmethod
    def _mail_from_is_one_address(cls, value: str) -> str:
        return mail_settings.check_sender(value) if value.strip() else ''

    @field_validator('smtp_ca_file')
    @classmethod
    def _ca_file_is_readable(cls, value: str) -> str:
        return mail_settings.check_ca_file(value)

    @property
    def trusted_proxy_list(self) -> tuple[str, ...]:
        return tuple(_parts(self.trusted_proxies))

    @model_validator(mode='after')
    def _refuse_unsafe(self) -> Settings:
        if not self.public_url.startswith(('http://', 'https://')):
            raise SettingsError(f'MYPROFILE_PUBLIC_URL must start with http:// or https://, got {self.public_url!r}')
        if not urlsplit(self.public_url).hostname:
            raise SettingsError(f'MYPROFILE_PUBLIC_URL has no host name, got {self.public_url!r}')
        weak = {'none', 'HS256', 'HS384', 'HS512'} & set(self.allowed_algorithms)
        if weak or not self.allowed_algorithms:
            raise SettingsError('MYPROFILE_OIDC_ALGORITHMS must list asymmetric signing algorithms only '
                                f'(for example RS256,ES256,PS256); refused: {", ".join(sorted(weak)) or "empty"}')
        for name, value in (('MYPROFILE_OIDC_CLIENT_ID', self.oidc_client_id),
                            ('MYPROFILE_OIDC_CLIENT_SECRET', self.oidc_client_secret),
                            ('MYPROFILE_STORAGE_SECRET', self.storage_secret)):
            if value != value.strip():
                raise SettingsError(f'{name} is blank or begins or ends with spaces; give it without them')
        if self.storage_secret and len(self.storage_secret) < 32:
            raise SettingsError('MYPROFILE_STORAGE_SECRET must be at least 32 characters of random text '
                                '(for example: python -c "import secrets; print(secrets.token_urlsafe(48))").')
        if self.demo_provider:
            return self
        _check_issuer(self.oidc_issuer)
        if self.demo:
            raise SettingsError('MYPROFILE_DEMO asks for the demo provider, but MYPROFILE_OIDC_ISSUER names an '
                                'external one; set only one of them')
        missing = [name for name, value in (('MYPROFILE_OIDC_CLIENT_ID', self.oidc_client_id),
                                            ('MYPROFILE_STORAGE_SECRET', self.storage_secret)) if not value]
        if missing:
            raise SettingsError(f'An external identity provider is configured (MYPROFILE_OIDC_ISSUER), '
                                f'so {" and ".join(missing)} must be set too.')
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


LOOPBACK_HOSTS = frozenset({'localhost', '127.0.0.1', '::1'})


def _check_issuer(issuer: str) -> None:
    """An https URL with a host and no query or fragment (OpenID Connect Discovery); http on loopback only."""
    try:
        parts = urlsplit(issuer)
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        host = None
    if not host or parts.query or parts.fragment or parts.username or parts.password or ' ' in issuer:
        raise SettingsError(f'MYPROFILE_OIDC_ISSUER must be the https URL of your identity provider '
                            f'(no query, fragment or credentials), got {issuer!r}')
    if parts.scheme != 'https' and not (parts.scheme == 'http' and host in LOOPBACK_HOSTS):
        raise SettingsError(f'MYPROFILE_OIDC_ISSUER must start with https:// (plain http only on 127.0.0.1, '
                            f'localhost or ::1), got {issuer!r}')


def _parts(value: str) -> list[str]:
    return [part.strip() for part in value.split(',') if part.strip()]
