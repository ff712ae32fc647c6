"""Where invitation mail goes: `MYPROFILE_SMTP_URL` and friends, parsed once into a safe connection plan.

The rules exist so that a typo can never leak the SMTP password: credentials travel only inside TLS (implicit
`smtps://`, or a STARTTLS upgrade that plain `smtp://` then requires), and switching TLS off (`?tls=none`) is
accepted only for a relay on this machine. The functions raise `ValueError` without naming the variable, because
pydantic puts the variable's name in front (see `load_settings`).
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass, field
from email.headerregistry import HeaderRegistry
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

if TYPE_CHECKING:
    from services.settings import Settings

# 'starttls': upgrade or refuse to send; 'starttls_if_offered': upgrade when the server offers it (no credentials
# to protect); 'tls': implicit TLS from the first byte; 'none': plain, loopback only.
Security = Literal['tls', 'starttls', 'starttls_if_offered', 'none']

DEFAULT_PORTS = {'smtp': 25, 'smtps': 465}
URL_FORMS = 'smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]'


@dataclass(frozen=True, slots=True, kw_only=True)
class MailSettings:
    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str  # the From header, e.g. 'My Profile <no-reply@portal.example>'
    local_hostname: str  # our name in EHLO: the public URL's host, so no slow reverse DNS lookup is made
    ca_file: Path | None = None  # a private CA that signed the mail server's certificate

    @classmethod
    def from_settings(cls, settings: Settings) -> MailSettings | None:
        """The mail plan, or None when no SMTP URL is set (administrators then copy invitation links by hand)."""
        if not settings.smtp_url:
            return None
        public_host = urlsplit(settings.public_url).hostname or 'localhost'
        ca_file = Path(settings.smtp_ca_file) if settings.smtp_ca_file else None
        return parse_smtp_url(settings.smtp_url, sender=settings.mail_from or default_sender(public_host),
                              local_hostname=public_host, ca_file=ca_file)

    @property
    def sender_domain(self) -> str:
        """The From address's domain: Message-IDs are made in it."""
        return sender_address(self.sender).rpartition('@')[2]

    @property
    def server(self) -> str:
        """Scheme, host and port without credentials: safe for logs and error texts."""
        host = f'[{self.host}]' if ':' in self.host else self.host
        return f'{"smtps" if self.security == "tls" else "smtp"}://{host}:{self.port}'

    def ssl_context(self) -> ssl.SSLContext:
        """Certificate and host name checked, against the system's CAs or the configured private CA."""
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)


def parse_smtp_url(url: str, *, sender: str, local_hostname: str, ca_file: Path | None = None) -> MailSettings:
    """Turn the URL into a `MailSettings`, refusing every form that could send the password in the clear."""
    url = check_smtp_url(url)
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    if parts.scheme == 'smtps':
        security: Security = 'tls'
    elif options.get('tls') == 'none':
        security = 'none'
    elif username is not None or options.get('starttls') == 'required':
        security = 'starttls'
    else:
        security = 'starttls_if_offered'
    return MailSettings(host=parts.hostname or '', port=parts.port or DEFAULT_PORTS[parts.scheme],
                        security=security, username=username, password=password, sender=check_sender(sender),
                        local_hostname=local_hostname, ca_file=ca_file)


def check_smtp_url(url: str) -> str:
    """The URL stripped, or `ValueError` saying what is wrong (the password is never repeated)."""
    url = url.strip()
    if not url:
        return url
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError(f'must not contain spaces or control characters; give {URL_FORMS}')
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
        options = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ValueError(f'is not a valid URL; give {URL_FORMS}') from None
    if parts.scheme not in DEFAULT_PORTS or not host or parts.path not in ('', '/') or parts.fragment:
        raise ValueError(f'must look like {URL_FORMS} (no path), got scheme {parts.scheme or "none"!r} '
                         f'and host {host or "none"!r}')
    if port == 0:
        raise ValueError('has port 0; give the mail server\'s port (587, 465 or 25)')
    if (parts.username is None) != (parts.password is None) or parts.username == '':
        raise ValueError('must give both a user name and a password, or neither')
    _check_options(parts.scheme, host, parts.username is not None, options)
    return url


def _check_options(scheme: str, host: str, has_credentials: bool, options: list[tuple[str, str]]) -> None:
    """`?tls=none` only for a loopback relay without credentials; `?starttls=required` only with smtp://."""
    known = {('tls', 'none'), ('starttls', 'required')}
    for option in options:
        if option not in known:
            raise ValueError(f'has an unknown option {"=".join(option)!r}; only ?tls=none (loopback relay) and '
                             f'?starttls=required are understood')
    chosen = dict(options)
    if chosen.get('tls') == 'none':
        if scheme == 'smtps' or 'starttls' in chosen:
            raise ValueError('asks for TLS and for ?tls=none at once; choose one')
        if has_credentials:
            raise ValueError('has a user name and password with ?tls=none; credentials are sent only over TLS')
        if not is_loopback(host):
            raise ValueError(f'has ?tls=none for {host!r}; an unencrypted connection is allowed only to a relay on '
                             f'this machine (127.0.0.1, ::1 or localhost)')
    if scheme == 'smtps' and 'starttls' in chosen:
        raise ValueError('smtps:// is TLS from the start; ?starttls=required belongs to smtp:// only')


def default_sender(public_host: str) -> str:
    return f'My Profile <no-reply@{public_host}>'


def check_sender(value: str) -> str:
    """One mailbox with a domain, e.g. `My Profile <no-reply@portal.example>`; `ValueError` otherwise."""
    sender_address(value)
    return value.strip()


def sender_address(value: str) -> str:
    if any(ch in value for ch in '\r\n'):
        raise ValueError('must be one line, e.g. My Profile <no-reply@portal.example>')
    try:
        header = HeaderRegistry()('From', value.strip())
        addresses = header.addresses  # type: ignore[attr-defined]
    except Exception:  # the stdlib parser can fail with IndexError and friends on odd input
        addresses, header = (), None
    if (header is None or header.defects or len(addresses) != 1 or not addresses[0].username
            or not addresses[0].domain or not addresses[0].addr_spec.isascii()):
        raise ValueError(f'must be one ASCII address with a domain, e.g. My Profile <no-reply@portal.example>, '
                         f'got {value!r}')
    return addresses[0].addr_spec


def check_ca_file(value: str) -> str:
    """A readable PEM file of CA certificates that OpenSSL accepts; `ValueError` otherwise."""
    value = value.strip()
    if not value:
        return value
    try:
        ssl.create_default_context(cafile=value)
    except FileNotFoundError:
        raise ValueError(f'names {value!r}, which does not exist') from None
    except (OSError, ssl.SSLError) as error:
        raise ValueError(f'names {value!r}, which is not a readable PEM file of CA certificates ({error})') from None
    return value


def is_loopback(host: str) -> bool:
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
