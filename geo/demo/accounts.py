"""Demo accounts, one per role, with generated passwords the caller shows once.

The supervisor is the first active officer of the unit holding the Green Bazaar zone; the leader
leads the Green Bazaar traders' squad, so the two meet in the dispatcher's demo flow. The
participant is the demo's first individual participant (item 6), who signs in to their own tasks.
"""
from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from ..access import SYSTEM
from ..db import demo_accounts as q
from ..services.accounts import PASSWORD_HASH_METHOD, create_user
from ..services.notify import set_account_email

# Demo accounts' notification addresses, in a domain reserved for examples (RFC 2606): nothing is delivered.
DEMO_MAIL_DOMAIN = "example.org"

SUPERVISED_ZONE = "Green Bazaar"
LED_FORMATION = "Green Bazaar Traders' Order Squad"


def create_demo_accounts(session: Session, *, hash_method: str = PASSWORD_HASH_METHOD) -> list[dict]:
    """Store the demo accounts (passwords hashed by ``hash_method``); each dict has login, password,
    roles and what it is linked to."""
    officer = q.first_active_officer_of_zone(session, SUPERVISED_ZONE)
    formation = q.formation_id(session, LED_FORMATION)
    alone = q.first_individual_participant(session)
    plan = [
        ("admin", "Demo administrator", ["admin"], {}),
        ("dispatcher", "Demo dispatcher", ["dispatcher"], {}),
        ("analyst", "Demo analyst", ["analyst"], {}),
        ("supervisor", f"{officer.name} (demo supervisor)", ["supervisor"], {"officer_id": officer.id}),
        ("leader", "Demo formation leader", ["leader"], {"formation_id": formation}),
        ("participant", f"{alone.full_name} (demo individual participant)", ["participant"],
         {"participant_id": alone.id}),
    ]
    q.drop_accounts(session, [login for login, *_ in plan])
    accounts = []
    for login, name, roles, links in plan:
        password = secrets.token_urlsafe(12)
        create_user(session, SYSTEM, login=login, full_name=name, password=password, roles=roles,
                    hash_method=hash_method, **links)
        set_account_email(session, SYSTEM, login, f"{login}@{DEMO_MAIL_DOMAIN}")
        linked = (f"officer {officer.name}" if "officer_id" in links else
                  f"formation {LED_FORMATION}" if "formation_id" in links else
                  f"individual participant {alone.full_name}" if "participant_id" in links else "")
        accounts.append({"login": login, "password": password, "roles": roles, "linked": linked})
    return accounts
