"""The Invitations tab: the form that invites several addresses at once, what became of each, and the pending
invitations with their expiry, e-mail delivery, Revoke and a new link (or Send again, with a mail server).

A link is shown once, when it is made (only its hash is stored): without a mail server the result of the form
lists each new link with a copy button, and "New link" makes (and copies) a fresh one for a pending invitation.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from nicegui import background_tasks, ui

from services.mail_delivery import DeliveryStatus
from services.org_administration import Invitation, InviteResult
from ui.accessible import heading, named
from ui.components.admin_context import AdminPage
from ui.components.html_parts import attr, icon
from ui.i18n import LANGUAGES, Translator, format_date
from ui.keyed_list import KeyedList
from ui.latest_read import LatestRead
from ui.page_action import tell


@dataclass(frozen=True, slots=True)
class PendingItem:
    invitation: Invitation
    inviter: str
    delivery: DeliveryStatus | None


class InvitationsSection:
    def __init__(self, admin: AdminPage) -> None:
        self.t = t = admin.page.t
        self._admin = admin
        self._reads = LatestRead[list[PendingItem]](admin.page, what=f'invitations of {admin.org_id!r}')
        self.by_mail = by_mail = admin.administration.delivery is not None
        with ui.card().classes('portal-card w-full portal-admin-card'):
            heading(t('invite.heading'), 3).classes('portal-h3')
            ui.label(t('invite.by_mail' if by_mail else 'invite.by_link')).classes('portal-muted')
            self._addresses = ui.textarea(t('invite.addresses')).props(
                f'outlined autogrow maxlength=20000 hint="{attr(t("invite.addresses_hint"))}"') \
                .classes('w-full').mark('invite-addresses')
            self._language = None
            if by_mail:
                self._language = ui.select({code: name for code, name in LANGUAGES.items()}, value=t.language,
                                           label=t('invite.language')).props('outlined dense') \
                    .classes('portal-admin-language').mark('invite-language')
            ui.button(t('invite.submit'), icon='send', on_click=self._invite) \
                .props('unelevated no-caps color=primary').mark('invite-submit')
            self._results = ui.html('', sanitize=False).classes('w-full').mark('invite-results')
            self._results.visible = False
        heading(t('pending.heading'), 3).classes('portal-h3')
        self._empty = ui.label(t('pending.none')).classes('portal-muted')
        with ui.card().classes('portal-card w-full portal-admin-card') as self._card:
            self._rows = KeyedList[PendingItem](
                named(ui.element('ul'), t('pending.list')).classes('portal-admin-list w-full'),
                key=lambda item: item.invitation.id, create=lambda item: PendingRow(self, item))
        self._card.visible = False

    def refresh(self) -> None:
        background_tasks.create(self.show(), name='show invitations')

    async def show(self) -> None:
        await self._reads.show(self._pending, self._draw)

    def _draw(self, items: list[PendingItem]) -> None:
        self._rows.sync(items)
        self._card.visible = bool(items)
        self._empty.visible = not items

    def _pending(self) -> list[PendingItem]:
        admin = self._admin
        administration = admin.administration
        invitations = administration.pending_invitations(admin.page.session_id, admin.org_id)
        return [PendingItem(invitation=i, inviter=administration.person_name(i.invited_by),
                            delivery=administration.delivery_of(i.id)) for i in invitations]

    async def _invite(self) -> None:
        admin, t = self._admin, self.t
        text = self._addresses.value or ''
        language = self._language.value if self._language is not None else t.language
        results = await admin.act(lambda: admin.administration.invite(admin.page.session_id, admin.org_id, text,
                                                                      language=language), name='')
        if results is None:
            return  # refused as a whole (too many addresses, none, not an administrator): the page said why
        self._addresses.value = ''
        self._results.set_content(results_html(t, results, copy=admin.administration.delivery is None))
        self._results.visible = True
        invited = sum(r.outcome == 'invited' for r in results)
        tell(admin.page, t('invite.summary', invited=invited, skipped=len(results) - invited))
        self.refresh()

    async def revoke(self, invitation: Invitation) -> None:
        admin, t = self._admin, self.t
        done = await admin.act(lambda: admin.administration.revoke(admin.page.session_id, admin.org_id,
                                                                   invitation.id), name=invitation.email)
        if done is not None:
            tell(admin.page, t('pending.revoked_done', email=invitation.email))
            self.refresh()

    async def renew(self, invitation: Invitation) -> None:
        admin, t = self._admin, self.t
        if admin.administration.delivery is not None:
            language = self._language.value if self._language is not None else t.language
            issued = await admin.act(lambda: admin.administration.send_again(
                admin.page.session_id, admin.org_id, invitation.id, language=language), name=invitation.email)
            if issued is not None:
                tell(admin.page, t('pending.sent_again', email=invitation.email))
            return
        issued = await admin.act(lambda: admin.administration.new_link(admin.page.session_id, admin.org_id,
                                                                       invitation.id), name=invitation.email)
        if issued is None:
            return
        with admin.page.client:
            ui.clipboard.write(issued.link)
            self._results.set_content(
                f'<p>{escape(t("pending.new_link_shown", email=invitation.email))}</p>'
                f'<p class="portal-admin-link"><code>{escape(issued.link)}</code>'
                f'{_copy(t, issued.link, invitation.email)}</p>')
            self._results.visible = True
        tell(admin.page, t('pending.new_link_done', email=invitation.email))


class PendingRow:
    def __init__(self, section: InvitationsSection, item: PendingItem) -> None:
        t = self._t = section.t
        invitation = item.invitation
        with ui.element('li').classes('portal-admin-row') as self.element:
            self._text = ui.html(pending_html(t, item), sanitize=False).classes('portal-admin-row-text')
            with ui.element('div').classes('portal-admin-row-actions'):
                renew = 'send_again' if section.by_mail else 'new_link'
                named(ui.button(t(f'pending.{renew}'), on_click=lambda: section.renew(invitation))
                      .props('flat no-caps'), t(f'pending.{renew}_named', email=invitation.email)) \
                    .mark('invitation-renew')
                named(ui.button(t('pending.revoke'), on_click=lambda: section.revoke(invitation))
                      .props('flat no-caps color=negative'), t('pending.revoke_named', email=invitation.email)) \
                    .mark('invitation-revoke')

    def show(self, item: PendingItem) -> None:
        self._text.set_content(pending_html(self._t, item))


def pending_html(t: Translator, item: PendingItem) -> str:
    invitation, language = item.invitation, t.language
    expires = t('pending.expires', date=format_date(invitation.expires, language))
    invited = t('pending.invited_by', name=item.inviter, date=format_date(invitation.created, language))
    lines = [f'<p class="portal-admin-name">{escape(invitation.email)}</p>',
             f'<p class="portal-muted portal-admin-meta">{escape(expires)} · {escape(invited)}</p>']
    if item.delivery is not None:
        lines.append(f'<p class="portal-admin-meta portal-mail-{escape(item.delivery.state)}">'
                     f'{escape(delivery_text(t, item.delivery))}</p>')
    return ''.join(lines)


def delivery_text(t: Translator, status: DeliveryStatus) -> str:
    if status.state == 'retrying':
        when = status.next_attempt.strftime('%H:%M UTC') if status.next_attempt else '?'
        return t('mail.retrying', attempts=status.attempts, time=when, error=status.last_error or '')
    if status.state == 'failed':
        return t('mail.failed', error=status.last_error or '')
    return t(f'mail.{status.state}')


def results_html(t: Translator, results: list[InviteResult], *, copy: bool) -> str:
    rows = []
    for result in results:
        link = ''
        if copy and result.issued is not None:
            link = (f'<span class="portal-admin-link"><code>{escape(result.issued.link)}</code>'
                    f'{_copy(t, result.issued.link, result.address)}</span>')
        rows.append(f'<li class="portal-invite-{escape(result.outcome)}"><strong>{escape(result.address)}</strong>: '
                    f'{escape(t(f"invite.outcome.{result.outcome}"))}{link}</li>')
    return (f'<h4 class="portal-h4">{escape(t("invite.results"))}</h4>'
            f'<ul class="portal-invite-results">{"".join(rows)}</ul>')


def _copy(t: Translator, link: str, email: str) -> str:
    label = t('invite.copy_link_for', email=email)
    return (f'<button type="button" class="portal-copy" data-copy-text="{attr(link)}" '
            f'data-copied="{attr(t("invite.copied"))}" data-copy-failed="{attr(t("org.copy_failed"))}" '
            f'aria-label="{attr(label)}" title="{attr(label)}">{icon("content_copy")}</button>')
