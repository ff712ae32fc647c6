"""The invitation e-mail: who invites whom to which organization, the link, and until when it works.

Plain text and HTML carry the same words, in the invitee's language. Everything that comes from people (the
organization's name, the inviter's name and address) is flattened to one line and HTML-escaped, so a name like
`<b>Evil</b>` is shown, never rendered. The HTML has no images, styles sheets or scripts: nothing is fetched from
anywhere when the mail is opened, and the only link is the invitation itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape
from urllib.parse import urlsplit

from services.clock import utc_now
from services.invitation_mail_texts import DEFAULT_LANGUAGE, TEXTS
from services.mail_settings import MailSettings

HTML = '''<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{subject}</title></head>
<body style="margin:0;padding:24px;font-family:'Segoe UI',Helvetica,Arial,sans-serif;font-size:16px;\
line-height:1.5;color:#1b1b1b;background:#ffffff">
<p>{greeting}</p>
<p>{invited}</p>
<p>{action}</p>
<p><a href="{link}" style="display:inline-block;padding:10px 20px;background:#0f6cbd;color:#ffffff;\
text-decoration:none;border-radius:4px">{button}</a></p>
<p style="word-break:break-all"><a href="{link}" style="color:#0f6cbd">{link}</a></p>
<p>{once} {expires}</p>
<p>{ignore}</p>
<p style="color:#616161;font-size:14px">{automatic}</p>
</body>
</html>
'''


def compose_invitation(*, mail: MailSettings, to: str, organization_name: str, inviter_name: str,
                       inviter_email: str | None, link: str, expires: datetime, language: str,
                       now: datetime | None = None) -> EmailMessage:
    """The message ready for `InvitationMailer.send`; `ValueError` for a recipient or link that cannot be sent."""
    lang = mail_language(language)
    texts = TEXTS[lang]
    if not _is_web_link(link):
        raise ValueError('the invitation link must be an http(s) URL')
    values = {'organization': _one_line(organization_name), 'inviter': _inviter(inviter_name, inviter_email),
              'portal': texts['portal'], 'date': readable_date(expires, lang)}
    anonymous = '_anonymous' if not values['inviter'] else ''
    subject = texts['subject' + anonymous].format(organization=values['organization'],
                                                  inviter=_one_line(inviter_name) or _one_line(inviter_email or ''))
    words = {key: texts[key] for key in ('greeting', 'action', 'button', 'once', 'expires', 'ignore', 'automatic')}
    words['invited'] = texts['invited' + anonymous]

    message = EmailMessage()
    message['From'] = mail.sender
    message['To'] = to
    if len(message['To'].addresses) != 1 or message['To'].defects:
        raise ValueError('an invitation goes to exactly one e-mail address')
    message['Subject'] = subject
    message['Date'] = format_datetime((now or utc_now()).astimezone(UTC))
    message['Message-ID'] = make_msgid(domain=mail.sender_domain)
    message['Auto-Submitted'] = 'auto-generated'  # RFC 3834: no vacation or bounce replies to a robot
    message['X-Auto-Response-Suppress'] = 'All'  # the same for Exchange
    message.set_content(_plain(words, values, link))
    message.add_alternative(_html(words, values, link, subject, lang), subtype='html')
    message['Content-Language'] = lang  # after the parts: setting content clears Content-* headers
    return message


def mail_language(language: str) -> str:
    """'nl', 'nl-BE' -> 'nl'; anything the portal does not speak -> its default, English."""
    primary = (language or '').strip().lower().replace('_', '-').split('-')[0]
    return primary if primary in TEXTS else DEFAULT_LANGUAGE


def readable_date(moment: datetime, language: str) -> str:
    """'17 December 2026' / '17 december 2026': the day the link stops working, in UTC like the portal's rule."""
    day = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    months = TEXTS[mail_language(language)]['months'].split()
    return f'{day.day} {months[day.month - 1]} {day.year}'


def _plain(words: dict[str, str], values: dict[str, str], link: str) -> str:
    lines = [words['greeting'], '', words['invited'].format(**values), '', words['action'], link, '',
             words['once'], words['expires'].format(**values), '', words['ignore'], '', '-- ',
             words['automatic'].format(**values)]
    return '\n'.join(lines) + '\n'


def _html(words: dict[str, str], values: dict[str, str], link: str, subject: str, lang: str) -> str:
    """Every word escaped, then every value escaped before it is put in, so nothing can add markup."""
    safe_values = {key: escape(value) for key, value in values.items()}
    filled = {key: escape(text).format(**safe_values) for key, text in words.items()}
    return HTML.format(lang=escape(lang), subject=escape(subject), link=escape(link), **filled)


def _inviter(name: str, email: str | None) -> str:
    name, email = _one_line(name), _one_line(email or '')
    if name and email:
        return f'{name} ({email})'
    return name or email


def _one_line(value: str) -> str:
    """Names come from people and imports: line breaks and runs of spaces must not reach a header or the layout."""
    return ' '.join(value.split())


def _is_web_link(link: str) -> bool:
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme in ('http', 'https') and bool(parts.netloc) and not any(ch.isspace() for ch in link) \
        and link.isprintable()
