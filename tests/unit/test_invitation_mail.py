"""Invitation mail reaches a real SMTP server (aiosmtpd on 127.0.0.1): in the invitee's language, over verified TLS,
with retries for what may pass and none for what will not, and never with the password in the clear or in a log."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import logging
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.invitation_mail import compose_invitation
from services.mail_delivery import DeliveryStatus, InvitationMailer
from services.mail_settings import MailSettings, parse_smtp_url
from services.settings import SettingsError, load_settings

TOPIC = 'organization:contoso'
PASSWORD = 'p@ss:w/rd S3cret'
PASSWORD_IN_URL = 'p%40ss%3Aw%2Frd%20S3cret'
FAST = (0.1, 0.1, 0.1)  # seconds between attempts: short, yet far longer than one attempt on loopback


class Inbox:
    """The server side: answers RCPT from a script ('451 …', '550 …'; None accepts) and keeps what arrived."""

    def __init__(self, rcpt_answers: list[str | None] | None = None) -> None:
        self.rcpt_answers = list(rcpt_answers or [])
        self.rcpt_count = 0
        self.received: list[tuple[list[str], email.message.EmailMessage, bool]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        self.rcpt_count += 1
        answer = self.rcpt_answers.pop(0) if self.rcpt_answers else None
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.rcpt_tos, message, session.ssl is not None))
        return '250 Message accepted for delivery'

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b'adele@contoso.com', PASSWORD.encode()))


@contextmanager
def smtp_server(inbox: Inbox, **options: object) -> Iterator[int]:
    port = free_port()
    controller = Controller(inbox, hostname='127.0.0.1', port=port, authenticator=inbox.authenticate, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture(scope='module')
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1 (the file doubles as the private CA) and the server's context."""
    folder = tmp_path_factory.mktemp('pki')
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'test mail server')])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName('localhost'),
                                                        x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    (folder / 'cert.pem').write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / 'key.pem').write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(folder / 'cert.pem', folder / 'key.pem')
    return folder / 'cert.pem', server_context


@pytest.fixture
def make_mailer() -> Iterator[Callable[..., tuple[InvitationMailer, list[DeliveryStatus]]]]:
    """A mailer whose `publish` records the status of each announcement (and checks the topic)."""
    mailers: list[InvitationMailer] = []

    def make(url: str, *, schedule=FAST, **options) -> tuple[InvitationMailer, list[DeliveryStatus]]:
        seen: list[DeliveryStatus] = []

        def publish(topics: set[str]) -> None:
            assert topics == {TOPIC}
            seen.append(mailer.status('inv-1'))

        mailer = InvitationMailer(mail(url), publish=publish, schedule=schedule, timeout=5, **options)
        mailers.append(mailer)
        return mailer, seen
    yield make
    for mailer in mailers:
        mailer.close()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in list(os.environ):
        if name.startswith('MYPROFILE_'):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(('language', 'expected'), [
    ('en', ['Adele Vance invited you to join <b>Evil</b> & Co',
            'Adele Vance (adele@contoso.com) invited you to join <b>Evil</b> & Co as a guest.',
            'The invitation expires on 17 December 2026.',
            'If you did not expect this invitation, you can ignore this message']),
    ('nl-NL', ['Adele Vance heeft u uitgenodigd voor <b>Evil</b> & Co',
               'Adele Vance (adele@contoso.com) heeft u uitgenodigd om als gast lid te worden van <b>Evil</b> & Co.',
               'De uitnodiging verloopt op 17 december 2026.',
               'Had u deze uitnodiging niet verwacht? Dan kunt u dit bericht negeren']),
])
def test_invitation_arrives_in_the_invitees_language(make_mailer, language: str, expected: list[str]) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        mailer, seen = make_mailer(f'smtp://127.0.0.1:{port}?tls=none')
        mailer.send(key='inv-1', topic=TOPIC, message=invitation(language=language))
        wait_until(lambda: inbox.received)
    (recipients, message, _), = inbox.received
    assert recipients == ['megan@fabrikam.com']
    assert message['Subject'] == expected[0]
    assert message['From'] == 'My Profile <no-reply@portal.example>'
    assert (message['Auto-Submitted'], message['Content-Language']) == ('auto-generated', language[:2])
    assert message['Message-ID'].endswith('@portal.example>') and message['Date']
    plain = message.get_body(('plain',)).get_content()
    html = message.get_body(('html',)).get_content()
    for text in expected[1:]:
        assert text in plain
        assert escape(text) in html  # the organization's name is shown, never rendered
    assert '<b>' not in html
    assert 'https://portal.example/invitations/t0k3n?x=1&y=2' in plain
    assert 'href="https://portal.example/invitations/t0k3n?x=1&amp;y=2"' in html
    assert not any(tag in html.lower() for tag in ('<script', '<img', 'src=', '<link', 'javascript:'))
    wait_until(lambda: len(seen) == 2)
    assert seen[-1].state == 'sent' and seen[-1].attempts == 1


def test_password_goes_only_over_starttls_with_a_verified_certificate(make_mailer, certificate, monkeypatch) -> None:
    ca_file, server_context = certificate
    inbox = Inbox()
    with smtp_server(inbox, tls_context=server_context, require_starttls=True, auth_required=True) as port:
        url = f'smtp://adele%40contoso.com:{PASSWORD_IN_URL}@127.0.0.1:{port}'
        untrusting, _ = make_mailer(url)  # the system's CAs do not know the self-signed certificate
        untrusting.send(key='inv-1', topic=TOPIC, message=invitation())
        wait_until(lambda: untrusting.status('inv-1').state == 'failed')
        assert 'certificate' in untrusting.status('inv-1').last_error and untrusting.status('inv-1').attempts == 1
        assert inbox.logins == []

        monkeypatch.setenv('MYPROFILE_SMTP_URL', url)
        monkeypatch.setenv('MYPROFILE_SMTP_CA_FILE', str(ca_file))
        settings = MailSettings.from_settings(load_settings())
        trusting = InvitationMailer(settings, publish=lambda topics: None, schedule=FAST, timeout=5)
        try:
            trusting.send(key='inv-1', topic=TOPIC, message=invitation())
            wait_until(lambda: trusting.status('inv-1').state == 'sent')
        finally:
            trusting.close()
    assert inbox.logins == [('adele@contoso.com', PASSWORD)]
    assert [(to, encrypted) for to, _, encrypted in inbox.received] == [(['megan@fabrikam.com'], True)]


# aiosmtpd knows only STARTTLS as 'TLS' and warns about AUTH without it; here the connection is TLS from the start
@pytest.mark.filterwarnings('ignore:Requiring AUTH while not requiring TLS')
def test_smtps_is_tls_from_the_first_byte(make_mailer, certificate) -> None:
    ca_file, server_context = certificate
    inbox = Inbox()
    with smtp_server(inbox, ssl_context=server_context, auth_required=True, auth_require_tls=False) as port:
        mailer, _ = make_mailer(f'smtps://adele%40contoso.com:{PASSWORD_IN_URL}@127.0.0.1:{port}',
                                ssl_context=ssl.create_default_context(cafile=ca_file))
        mailer.send(key='inv-1', topic=TOPIC, message=invitation())
        wait_until(lambda: mailer.status('inv-1').state == 'sent')
    assert inbox.logins == [('adele@contoso.com', PASSWORD)] and len(inbox.received) == 1


def test_busy_server_gets_the_message_on_the_third_attempt(make_mailer) -> None:
    inbox = Inbox(['451 4.3.0 Mailbox busy, try again later'] * 2)
    with smtp_server(inbox) as port:
        mailer, seen = make_mailer(f'smtp://127.0.0.1:{port}?tls=none')
        mailer.send(key='inv-1', topic=TOPIC, message=invitation())
        wait_until(lambda: len(seen) == 4)
    assert len(inbox.received) == 1 and inbox.rcpt_count == 3
    assert [s.state for s in seen[1:]] == ['retrying', 'retrying', 'sent']
    assert '451 4.3.0 Mailbox busy' in seen[1].last_error and seen[1].next_attempt is not None
    assert mailer.status('inv-1').attempts == 3


def test_refused_recipient_fails_at_once_and_can_be_retried(make_mailer) -> None:
    inbox = Inbox(['550 5.1.1 No such user here'])
    with smtp_server(inbox) as port:
        mailer, seen = make_mailer(f'smtp://127.0.0.1:{port}?tls=none')
        mailer.send(key='inv-1', topic=TOPIC, message=invitation())
        wait_until(lambda: mailer.status('inv-1').state == 'failed')
        time.sleep(0.3)  # longer than the whole retry schedule: nothing more is tried
        failed = mailer.status('inv-1')
        assert (failed.attempts, inbox.rcpt_count, failed.next_attempt) == (1, 1, None)
        assert 'refused the recipient: 550 5.1.1 No such user here' in failed.last_error

        assert mailer.retry('inv-1')
        wait_until(lambda: mailer.status('inv-1').state == 'sent')
        assert not mailer.retry('inv-1')  # only a failed message can be retried
    assert len(inbox.received) == 1 and [s.state for s in seen][-1] == 'sent'


def test_unreachable_server_is_retried_on_schedule_then_fails(make_mailer) -> None:
    mailer, seen = make_mailer(f'smtp://127.0.0.1:{free_port()}?tls=none', schedule=FAST[:2])
    mailer.send(key='inv-1', topic=TOPIC, message=invitation())
    wait_until(lambda: mailer.status('inv-1').state == 'failed')
    assert [s.state for s in seen[1:]] == ['retrying', 'retrying', 'failed']
    assert mailer.status('inv-1').attempts == 3
    assert 'could not connect to the mail server at smtp://127.0.0.1' in mailer.status('inv-1').last_error


def test_password_is_never_sent_without_starttls(make_mailer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    inbox = Inbox()  # this server would even accept AUTH in the clear
    with smtp_server(inbox, auth_require_tls=False) as port:
        mailer, _ = make_mailer(f'smtp://adele%40contoso.com:{PASSWORD_IN_URL}@127.0.0.1:{port}')
        mailer.send(key='inv-1', topic=TOPIC, message=invitation())
        wait_until(lambda: mailer.status('inv-1').state == 'failed')
    status = mailer.status('inv-1')
    assert 'does not offer STARTTLS' in status.last_error and status.attempts == 1
    assert inbox.logins == [] and inbox.received == []
    assert 'giving up' in caplog.text
    for text in (caplog.text, repr(status), repr(mail(f'smtp://a:{PASSWORD_IN_URL}@127.0.0.1'))):
        assert PASSWORD not in text and PASSWORD_IN_URL not in text


def test_waiting_messages_are_bounded(make_mailer) -> None:
    mailer, _ = make_mailer(f'smtp://127.0.0.1:{free_port()}?tls=none', schedule=(60,), max_queued=1)
    mailer.send(key='inv-1', topic=TOPIC, message=invitation())
    wait_until(lambda: mailer.status('inv-1').state == 'retrying')
    mailer.send(key='inv-2', topic=TOPIC, message=invitation())
    assert mailer.status('inv-2').state == 'failed' and 'try again later' in mailer.status('inv-2').last_error


def test_finished_statuses_are_bounded(make_mailer) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        mailer, _ = make_mailer(f'smtp://127.0.0.1:{port}?tls=none', max_statuses=2)
        for key in ('inv-1', 'inv-2', 'inv-3'):
            mailer.send(key=key, topic=TOPIC, message=invitation())
            wait_until(lambda key=key: mailer.status(key).state == 'sent')
    assert mailer.status('inv-1') is None and mailer.status('inv-2').state == 'sent' and len(inbox.received) == 3


@pytest.mark.parametrize('url', [
    'http://mail.example', 'smtp://', 'smtp://mail.example/path', 'smtp://mail.example:99999',
    'smtp://adele@mail.example', 'smtp://mail.example?tls=none', 'smtp://a:topsecret@127.0.0.1?tls=none',
    'smtps://127.0.0.1?tls=none', 'smtp://mail.example?verify=no', 'smtp://a:top secret@mail.example',
])
def test_bad_smtp_url_names_the_variable(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv('MYPROFILE_SMTP_URL', url)
    with pytest.raises(SettingsError, match='MYPROFILE_SMTP_URL') as refused:
        load_settings()
    assert 'topsecret' not in str(refused.value) and 'top secret' not in str(refused.value)


def test_smtp_settings_are_read_as_documented(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert MailSettings.from_settings(load_settings()) is None  # no SMTP: administrators copy the link
    monkeypatch.setenv('MYPROFILE_PUBLIC_URL', 'https://portal.example')
    monkeypatch.setenv('MYPROFILE_SMTP_URL', f'smtp://adele%40contoso.com:{PASSWORD_IN_URL}@mail.example:587')
    settings = MailSettings.from_settings(load_settings())
    assert (settings.security, settings.host, settings.port) == ('starttls', 'mail.example', 587)
    assert (settings.username, settings.password) == ('adele@contoso.com', PASSWORD)
    assert settings.sender == 'My Profile <no-reply@portal.example>'
    monkeypatch.setenv('MYPROFILE_SMTP_URL', 'smtps://relay.example')
    monkeypatch.setenv('MYPROFILE_MAIL_FROM', 'Contoso invitations <invite@contoso.com>')
    settings = MailSettings.from_settings(load_settings())
    assert (settings.security, settings.port, settings.sender_domain) == ('tls', 465, 'contoso.com')
    for name, value in (('MYPROFILE_MAIL_FROM', 'not an address'), ('MYPROFILE_SMTP_CA_FILE', str(tmp_path / 'no'))):
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError, match=name):
            load_settings()
        monkeypatch.delenv(name)


def mail(url: str) -> MailSettings:
    return parse_smtp_url(url, sender='My Profile <no-reply@portal.example>', local_hostname='portal.example')


def invitation(*, language: str = 'en') -> email.message.EmailMessage:
    return compose_invitation(mail=mail('smtp://127.0.0.1?tls=none'), to='megan@fabrikam.com',
                              organization_name='<b>Evil</b> & Co', inviter_name='Adele Vance',
                              inviter_email='adele@contoso.com',
                              link='https://portal.example/invitations/t0k3n?x=1&y=2',
                              expires=datetime(2026, 12, 17, 9, 30, tzinfo=UTC), language=language)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'timed out'
        threading.Event().wait(0.01)
