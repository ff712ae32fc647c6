"""The Settings tab: how guests leave, and the privacy statement and contact, with the rule explained in place
and what the current values mean for guests, said before saving. Saving takes effect live on guests' pages."""

from __future__ import annotations

from html import escape

from nicegui import run, ui

from services.errors import PortalError
from services.leave_rules import NO_PRIVACY_INFORMATION, ONLY_BY_REQUEST, rules_block
from services.org_administration import LEAVE_POLICIES, Organization
from ui.accessible import heading
from ui.components.admin_context import AdminPage
from ui.page_action import tell

EFFECT = {None: 'settings.effect.self_service', ONLY_BY_REQUEST: 'settings.effect.blocked_policy',
          NO_PRIVACY_INFORMATION: 'settings.effect.blocked_privacy'}


class SettingsSection:
    def __init__(self, admin: AdminPage, organization: Organization) -> None:
        self.t = t = admin.page.t
        self._admin = admin
        self._saved = organization
        with ui.card().classes('portal-card w-full portal-admin-card'):
            heading(t('settings.heading'), 3).classes('portal-h3')
            ui.label(t('settings.rule')).classes('portal-muted')
            with ui.element('fieldset').classes('portal-fieldset'):
                ui.html(f'<legend>{escape(t("settings.policy"))}</legend>', sanitize=False)
                self._policy = ui.radio({p: t(f'settings.policy.{p}') for p in LEAVE_POLICIES},
                                        value=organization.leave_policy, on_change=self._explain) \
                    .mark('settings-policy')
            self._url = ui.input(t('settings.privacy_url'), value=organization.privacy_url or '',
                                 on_change=self._explain).props('outlined type=url maxlength=512') \
                .classes('w-full').mark('settings-privacy-url')
            self._contact = ui.input(t('settings.privacy_contact'), value=organization.privacy_contact or '',
                                     on_change=self._explain).props('outlined maxlength=512') \
                .classes('w-full').mark('settings-privacy-contact')
            self._effect = ui.label().classes('portal-note').mark('settings-effect')
            self._effect.props['role'] = 'status'
            ui.button(t('settings.save'), icon='save', on_click=self._save) \
                .props('unelevated no-caps color=primary').mark('settings-save')
        self._explain()

    def show(self, organization: Organization) -> None:
        """A change saved elsewhere (another administrator, an import): shown unless this form holds edits."""
        if not self._edited():
            self._policy.value = organization.leave_policy
            self._url.value = organization.privacy_url or ''
            self._contact.value = organization.privacy_contact or ''
        self._saved = organization
        self._explain()

    def _edited(self) -> bool:
        saved = self._saved
        return (self._policy.value, self._url.value or '', self._contact.value or '') != (
            saved.leave_policy, saved.privacy_url or '', saved.privacy_contact or '')

    def _explain(self) -> None:
        """What the values in the form mean for guests, as the service's rule decides it."""
        reason = rules_block(self._policy.value, self._url.value, self._contact.value)
        self._effect.set_text(self.t(EFFECT[reason]))

    async def _save(self) -> None:
        admin, t = self._admin, self.t
        if not self._edited():
            tell(admin.page, t('settings.unchanged'))
            return
        policy, url, contact = self._policy.value, self._url.value, self._contact.value
        saved = await admin.act(lambda: admin.administration.save_settings(
            admin.page.session_id, admin.org_id, leave_policy=policy, privacy_url=url, privacy_contact=contact),
            name='')
        if saved is not None:
            self._saved = saved
            tell(admin.page, t('settings.saved'))

    async def reload(self) -> None:
        admin = self._admin
        try:
            organization = await run.io_bound(admin.administration.organization, admin.page.session_id,
                                              admin.org_id)
        except PortalError:  # a lost right or an unreadable store: keep what is shown
            return
        if not admin.page.client.is_deleted:
            with admin.page.client:
                self.show(organization)
