"""Invitation mail leaves through SMTP on a worker thread, with retries, and reports where each message stands.

The administrator's page must never wait for a mail server, so `send` only queues. One worker thread talks to the
server (smtplib blocks) and retries what may succeed later (a 4xx answer, a refused connection, a timeout) on a
schedule; what will not (a 5xx answer such as an unknown recipient, refused credentials, an untrusted certificate,
a server that will not encrypt before the password is sent) fails at once, and the administrator may `retry`.
Every change of a message's status is announced through `publish({topic})`, so the page redraws.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import smtplib
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Literal

from services.clock import Clock, utc_now
from services.mail_settings import MailSettings

log = logging.getLogger('myprofile.mail')

DeliveryState = Literal['sending', 'retrying', 'sent', 'failed']
DEFAULT_SCHEDULE = (5.0, 30.0, 120.0, 600.0)  # seconds to wait before the 2nd, 3rd, ... attempt
QUEUE_FULL = 'too many messages are waiting to be sent; try again later'


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryStatus:
    """Where one message stands; `last_error` is short, names the server but never a credential."""

    key: str
    topic: str
    state: DeliveryState
    attempts: int
    last_error: str | None
    next_attempt: datetime | None  # when the next try is due (sending, retrying); None when done
    updated: datetime


class DeliveryFailed(Exception):
    """One attempt failed; `permanent` means trying again on a schedule would not help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(slots=True, kw_only=True)
class _Job:
    message: EmailMessage
    generation: int  # a newer send or retry of the same key makes older queue entries stale


class InvitationMailer:
    def __init__(self, mail: MailSettings, *, publish: Callable[[set[str]], None],
                 schedule: Sequence[float] = DEFAULT_SCHEDULE, ssl_context: ssl.SSLContext | None = None,
                 timeout: float = 30.0, max_queued: int = 1000, max_statuses: int = 10_000,
                 keep_statuses: timedelta = timedelta(days=1), clock: Clock = utc_now) -> None:
        """`publish` is called from the worker thread too: hand the redraw to your event loop from there."""
        self._mail = mail
        self._publish = publish
        self._schedule = tuple(schedule)
        self._ssl_context = ssl_context or mail.ssl_context()
        self._timeout = timeout
        self._max_queued = max_queued
        self._max_statuses = max_statuses
        self._keep_statuses = keep_statuses
        self._clock = clock
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, str, int]] = []  # (monotonic due time, tie-breaker, key, generation)
        self._order = itertools.count()
        self._jobs: dict[str, _Job] = {}  # messages still to be sent, or failed (kept for `retry`)
        self._statuses: OrderedDict[str, DeliveryStatus] = OrderedDict()  # least recently changed first
        self._closing = False
        self._worker = threading.Thread(target=self._run, name='invitation-mail', daemon=True)
        self._worker.start()

    def send(self, *, key: str, topic: str, message: EmailMessage) -> None:
        """Queue `message` (it replaces any earlier one under `key`); returns at once."""
        with self._wake:
            if self._closing:
                raise RuntimeError('the mailer is closed')
            full = self._queue_full(key)
            self._jobs[key] = _Job(message=message, generation=next(self._order))
            if full:  # kept as failed, so the administrator sees it and can retry once the queue has drained
                log.warning('mail %s not queued: %d messages are already waiting', key, self._max_queued)
                status = self._set(key, topic, 'failed', attempts=0, error=QUEUE_FULL, due_in=None)
            else:
                status = self._queue(key, topic, 'sending', attempts=0, error=None, due_in=0.0)
        self._announce(status)

    def status(self, key: str) -> DeliveryStatus | None:
        with self._wake:
            return self._statuses.get(key)

    def retry(self, key: str) -> bool:
        """Send a failed message again now, with a fresh schedule; False when `key` is not a failed message (or
        the queue is full)."""
        with self._wake:
            current = self._statuses.get(key)
            if (self._closing or current is None or current.state != 'failed' or key not in self._jobs
                    or self._queue_full(key)):
                return False
            self._jobs[key].generation = next(self._order)
            status = self._queue(key, current.topic, 'sending', attempts=0, error=current.last_error, due_in=0.0)
        self._announce(status)
        return True

    def close(self) -> None:
        """Stop the worker after the attempt in progress; messages still waiting are dropped (and logged)."""
        with self._wake:
            self._closing = True
            waiting = [key for key, s in self._statuses.items() if s.state in ('sending', 'retrying')]
            self._wake.notify_all()
        if waiting:
            log.warning('mailer closed with %d invitation mails not sent: %s', len(waiting), ', '.join(waiting))
        self._worker.join()

    def _run(self) -> None:
        while (due := self._next_due()) is not None:
            key, generation, message, before = due
            try:
                self._deliver(message)
                outcome: DeliveryFailed | None = None
            except DeliveryFailed as failure:
                outcome = failure
            except Exception as error:  # a bug must not kill the worker and strand every later message
                log.exception('mail %s: unexpected error while sending', key)
                outcome = DeliveryFailed(f'unexpected error ({type(error).__name__})', permanent=True)
            status = self._record(key, generation, before, outcome)
            if status is not None:
                self._announce(status)

    def _next_due(self) -> tuple[str, int, EmailMessage, DeliveryStatus] | None:
        """Wait for the next message whose time has come; None when closing."""
        with self._wake:
            while not self._closing:
                if self._due and self._due[0][0] <= time.monotonic():
                    _, _, key, generation = heapq.heappop(self._due)
                    job = self._jobs.get(key)
                    if job is not None and job.generation == generation:
                        return key, generation, job.message, self._statuses[key]
                    continue
                self._wake.wait(self._due[0][0] - time.monotonic() if self._due else None)
            return None

    def _record(self, key: str, generation: int, before: DeliveryStatus,
                failure: DeliveryFailed | None) -> DeliveryStatus | None:
        """The outcome of one attempt becomes the new status (unless a newer send replaced the message meanwhile)."""
        attempts = before.attempts + 1
        with self._wake:
            job = self._jobs.get(key)
            if job is None or job.generation != generation:
                return None
            if failure is None:
                del self._jobs[key]
                return self._set(key, before.topic, 'sent', attempts=attempts, error=None, due_in=None)
            retries_left = not failure.permanent and attempts <= len(self._schedule) and not self._closing
            if retries_left:
                delay = self._schedule[attempts - 1]
                log.warning('mail %s via %s: attempt %d failed: %s; next attempt in %g s', key, self._mail.server,
                            attempts, failure.reason, delay)
                return self._queue(key, before.topic, 'retrying', attempts=attempts, error=failure.reason,
                                   due_in=delay)
            log.error('mail %s via %s: attempt %d failed, giving up: %s', key, self._mail.server, attempts,
                      failure.reason)
            return self._set(key, before.topic, 'failed', attempts=attempts, error=failure.reason, due_in=None)

    def _deliver(self, message: EmailMessage) -> None:
        try:
            self._session(message)
        except DeliveryFailed:
            raise
        except Exception as error:
            raise explain(error, self._mail) from None

    def _session(self, message: EmailMessage) -> None:
        """One SMTP conversation; the password goes out only once the connection is encrypted."""
        mail = self._mail
        if mail.security == 'tls':
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(mail.host, mail.port, local_hostname=mail.local_hostname,
                                                  timeout=self._timeout, context=self._ssl_context)
        else:
            smtp = smtplib.SMTP(mail.host, mail.port, local_hostname=mail.local_hostname, timeout=self._timeout)
        with smtp:
            smtp.ehlo()
            if mail.security in ('starttls', 'starttls_if_offered') and smtp.has_extn('starttls'):
                smtp.starttls(context=self._ssl_context)
                smtp.ehlo()
            elif mail.security == 'starttls':
                refused = 'the SMTP password is never sent' if mail.username else 'nothing is sent (?starttls=required)'
                raise DeliveryFailed(f'the mail server at {mail.server} does not offer STARTTLS; {refused} over an '
                                     f'unencrypted connection', permanent=True)
            if mail.username is not None:
                smtp.login(mail.username, mail.password or '')
            smtp.send_message(message)

    def _queue(self, key: str, topic: str, state: DeliveryState, *, attempts: int, error: str | None,
               due_in: float) -> DeliveryStatus:
        heapq.heappush(self._due, (time.monotonic() + due_in, next(self._order), key, self._jobs[key].generation))
        self._wake.notify_all()
        return self._set(key, topic, state, attempts=attempts, error=error, due_in=due_in)

    def _set(self, key: str, topic: str, state: DeliveryState, *, attempts: int, error: str | None,
             due_in: float | None) -> DeliveryStatus:
        now = self._clock()
        status = DeliveryStatus(key=key, topic=topic, state=state, attempts=attempts, last_error=error,
                                next_attempt=None if due_in is None else now + timedelta(seconds=due_in), updated=now)
        self._statuses.pop(key, None)
        self._statuses[key] = status
        self._forget_old(now)
        return status

    def _forget_old(self, now: datetime) -> None:
        """Finished statuses go after `keep_statuses`, or oldest first beyond `max_statuses`."""
        cutoff, excess, stale = now - self._keep_statuses, len(self._statuses) - self._max_statuses, []
        for key, status in self._statuses.items():
            if excess <= 0 and status.updated >= cutoff:
                break
            if status.state in ('sent', 'failed'):
                stale.append(key)
                excess -= 1
        for key in stale:
            del self._statuses[key]
            self._jobs.pop(key, None)

    def _queue_full(self, key: str) -> bool:
        """Bounded: at most `max_queued` messages wait at once (a message replacing a waiting one is no extra)."""
        current = self._statuses.get(key)
        if current is not None and current.state in ('sending', 'retrying'):
            return False
        return sum(1 for s in self._statuses.values() if s.state in ('sending', 'retrying')) >= self._max_queued

    def _announce(self, status: DeliveryStatus) -> None:
        try:
            self._publish({status.topic})
        except Exception:
            log.exception('publishing the mail status of %s failed', status.key)


def explain(error: Exception, mail: MailSettings) -> DeliveryFailed:
    """A short reason an administrator can act on, and whether retrying later could help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values()) or [(550, b'')]
        return DeliveryFailed(f'the mail server refused the recipient: {_answer(*answers[0], mail)}',
                              permanent=all(code >= 500 for code, _ in answers))
    if isinstance(error, smtplib.SMTPResponseException):
        what = ('refused the SMTP user name or password:' if isinstance(error, smtplib.SMTPAuthenticationError)
                else 'answered')
        return DeliveryFailed(f'the mail server {what} {_answer(error.smtp_code, error.smtp_error, mail)}',
                              permanent=error.smtp_code >= 500)
    for kind, reason, permanent in TRANSPORT_FAILURES:
        if isinstance(error, kind):
            return DeliveryFailed(_safe(reason.format(server=mail.server, detail=_detail(error)), mail),
                                  permanent=permanent)
    return DeliveryFailed(f'sending failed ({type(error).__name__})', permanent=True)


# Most specific first. Permanent: configuration that only the operator can change; the rest may pass by itself.
TRANSPORT_FAILURES: tuple[tuple[type[Exception], str, bool], ...] = (
    (smtplib.SMTPNotSupportedError, 'the mail server at {server} does not support what is needed: {detail}', True),
    (ssl.SSLCertVerificationError, 'the certificate of the mail server at {server} is not trusted ({detail}); '
                                   'for a private CA set MYPROFILE_SMTP_CA_FILE', True),
    (ssl.SSLError, 'no TLS connection with the mail server at {server} ({detail}); check smtp:// or smtps:// '
                   'and the port', True),
    (ConnectionRefusedError, 'could not connect to the mail server at {server} (connection refused)', False),
    (TimeoutError, 'the mail server at {server} did not answer in time', False),
    (smtplib.SMTPServerDisconnected, 'the mail server at {server} closed the connection', False),
    (OSError, 'could not reach the mail server at {server} ({detail})', False),
)


def _detail(error: Exception) -> str:
    for attribute in ('verify_message', 'reason', 'strerror'):
        if value := getattr(error, attribute, None):
            return str(value)
    return str(error) or type(error).__name__


def _answer(code: int, text: bytes | str, mail: MailSettings) -> str:
    raw = text.decode('utf-8', 'replace') if isinstance(text, bytes) else str(text)
    return _safe(f'{code} {raw}', mail)


def _safe(text: str, mail: MailSettings, limit: int = 200) -> str:
    """One short line, and never the password (a careless server could echo it back)."""
    text = ' '.join(text.split())
    if mail.password:
        text = text.replace(mail.password, '***')
    return text if len(text) <= limit else text[:limit - 1] + '…'

