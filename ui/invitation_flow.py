"""Accepting or declining an invitation from a page: declining asks first; both re-check the session."""

from __future__ import annotations

from dataclasses import dataclass

from services.invitations import InvitationService, InvitationView
from services.sessions import SessionStore
from ui.components.confirm_dialog import ConfirmDialog
from ui.open_page import OpenPage
from ui.page_action import act, tell


@dataclass(frozen=True, slots=True)
class InvitationFlow:
    invitations: InvitationService
    sessions: SessionStore

    async def accept(self, page: OpenPage, view: InvitationView) -> bool:
        name = view.organization.name
        done = await act(page, self.sessions, lambda: self.invitations.accept(
            page.subject, page.emails, invitation_id=view.invitation.id), name=name)
        if done is not None:
            tell(page, page.t('invitation.accepted', name=name))
        return done is not None

    async def decline(self, page: OpenPage, view: InvitationView) -> bool:
        t, name = page.t, view.organization.name
        with page.client:
            if page.decline_dialog is None:
                page.decline_dialog = ConfirmDialog(cancel=t('decline.cancel'), confirm=t('decline.confirm'),
                                                    marker='decline')
            if not await page.decline_dialog.ask(title=t('decline.title', name=name), body=t('decline.body', name=name),
                                                 confirm_name=t('decline.confirm_named', name=name)):
                return False
        done = await act(page, self.sessions, lambda: self.invitations.decline(
            page.subject, page.emails, invitation_id=view.invitation.id), name=name)
        if done is not None:
            tell(page, t('invitation.declined', name=name), focus=page.focus_after_leave)
        return done is not None
