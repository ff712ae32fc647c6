"""The demo's people and organizations, seeded on first start when the demo identity provider is on."""

from __future__ import annotations

from dataclasses import dataclass

from data.records import Directory, Membership, Organization, Person


@dataclass(kw_only=True, slots=True, frozen=True)
class DemoAccount:
    """An account the demo identity provider can sign in; `home` is issued as the `tid` claim."""

    subject: str
    name: str
    email: str
    home: str
    description_key: str


CONTOSO = Organization(id='4c2d9a6e-58f1-4b7e-9d3a-1f6b2e8c7a01', name='Contoso Ltd.', domain='contoso.com',
                       privacy_url='https://contoso.com/privacy', privacy_contact='privacy@contoso.com')
FABRIKAM = Organization(id='9e7b3f21-0c4d-4a8e-b5f6-2d1c9a8b7e02', name='Fabrikam, Inc.', domain='fabrikam.com',
                        privacy_url='https://fabrikam.com/legal/privacy', privacy_contact='dpo@fabrikam.com',
                        admins=('demo-megan-bowen',))
WOODGROVE = Organization(id='1a5c8e2b-7d3f-4e9a-8b6c-5f4e3d2c1b03', name='Woodgrove Bank', domain='woodgrovebank.com',
                         privacy_url='https://woodgrovebank.com/privacy', privacy_contact='privacy@woodgrovebank.com')
NORTHWIND = Organization(id='6f8e1d3c-2b4a-4c5d-9e7f-8a1b2c3d4e04', name='Northwind Traders',
                         domain='northwindtraders.com')  # no privacy information: guests cannot leave on their own
TAILSPIN = Organization(id='b3d5f7a9-1c2e-4f6a-8b0d-3e5f7a9c1e05', name='Tailspin Toys', domain='tailspintoys.com',
                        privacy_url='https://tailspintoys.com/privacy', privacy_contact='hello@tailspintoys.com')
LITWARE = Organization(id='d7e9a1b3-5c6d-4e8f-9a0b-1c2d3e4f5a06', name='Litware, Inc.', domain='litware.com',
                       privacy_url='https://litware.com/privacy', privacy_contact='privacy@litware.com',
                       leave_policy='by_request')  # guests leave only by asking

ACCOUNTS = (
    DemoAccount(subject='demo-adele-vance', name='Adele Vance', email='adele.vance@contoso.com', home=CONTOSO.id,
                description_key='demo.account.adele'),
    DemoAccount(subject='demo-megan-bowen', name='Megan Bowen', email='megan.bowen@fabrikam.com', home=FABRIKAM.id,
                description_key='demo.account.megan'),
    DemoAccount(subject='demo-lidia-holloway', name='Lidia Holloway', email='lidia.holloway@contoso.com',
                home=CONTOSO.id, description_key='demo.account.lidia'),
)

DIRECTORY = Directory(
    organizations=(CONTOSO, FABRIKAM, WOODGROVE, NORTHWIND, TAILSPIN, LITWARE),
    people=tuple(Person(subject=a.subject, name=a.name, email=a.email, home=a.home) for a in ACCOUNTS),
    memberships=(
        Membership(subject='demo-adele-vance', organization=FABRIKAM.id, joined='2024-03-14'),
        Membership(subject='demo-adele-vance', organization=WOODGROVE.id, joined='2025-01-09'),
        Membership(subject='demo-adele-vance', organization=NORTHWIND.id, joined='2025-06-30'),
        Membership(subject='demo-adele-vance', organization=TAILSPIN.id),
        Membership(subject='demo-adele-vance', organization=LITWARE.id, joined='2025-09-22'),
        Membership(subject='demo-lidia-holloway', organization=WOODGROVE.id, joined='2023-11-02'),
    ),
)


@dataclass(frozen=True, slots=True)
class DemoInvitation:
    organization: str
    email: str
    invited_by: str


DEMO_INVITATION = DemoInvitation(organization=TAILSPIN.id, email='megan.bowen@fabrikam.com',
                                 invited_by='demo-adele-vance')
