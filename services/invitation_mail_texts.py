"""The invitation e-mail's words in each language the portal speaks.

They live here rather than in `ui/locales/`, because mail is composed in the service layer, which must not import
the UI. Placeholders are filled by `services/invitation_mail.py`, which escapes every value for the HTML part.
The Dutch uses 'u', like the portal's pages.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = 'en'

TEXTS: dict[str, dict[str, str]] = {
    'en': {
        'portal': 'My Profile',
        'subject': '{inviter} invited you to join {organization}',
        'subject_anonymous': 'You are invited to join {organization}',
        'greeting': 'Hello,',
        'invited': '{inviter} invited you to join {organization} as a guest.',
        'invited_anonymous': 'You are invited to join {organization} as a guest.',
        'action': 'Open the invitation to accept or decline it:',
        'button': 'Open the invitation',
        'once': 'The link works once, and only when you sign in with the address this message was sent to.',
        'expires': 'The invitation expires on {date}.',
        'ignore': 'If you did not expect this invitation, you can ignore this message: nothing changes unless you '
                  'accept it.',
        'automatic': 'This message was sent automatically by {portal}; replies are not read.',
        'months': 'January February March April May June July August September October November December',
    },
    'nl': {
        'portal': 'Mijn profiel',
        'subject': '{inviter} heeft u uitgenodigd voor {organization}',
        'subject_anonymous': 'U bent uitgenodigd voor {organization}',
        'greeting': 'Hallo,',
        'invited': '{inviter} heeft u uitgenodigd om als gast lid te worden van {organization}.',
        'invited_anonymous': 'U bent uitgenodigd om als gast lid te worden van {organization}.',
        'action': 'Open de uitnodiging om die te accepteren of te weigeren:',
        'button': 'Uitnodiging openen',
        'once': 'De link werkt één keer, en alleen als u zich aanmeldt met het adres waarnaar dit bericht is '
                'gestuurd.',
        'expires': 'De uitnodiging verloopt op {date}.',
        'ignore': 'Had u deze uitnodiging niet verwacht? Dan kunt u dit bericht negeren: er verandert niets zolang '
                  'u niet accepteert.',
        'automatic': 'Dit bericht is automatisch verstuurd door {portal}; antwoorden worden niet gelezen.',
        'months': 'januari februari maart april mei juni juli augustus september oktober november december',
    },
}
