"""Rule ``participant-eligible``: who may be put on an assignment (Law 590-II art. 5; the regime's
settings on certificates and training, design choices beside Order 641 items 2.2–2.3). Each failed
condition of each member is its own violation, citing its own basis."""
from __future__ import annotations

from collections.abc import Iterable

from datetime import date, timedelta

from ..domain import AssignmentFacts, CertificateStatus, MemberFacts, RegistrationStatus, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, plain

CODE = "participant-eligible"
LABEL = N_("no member may take part")
# The registration and certificate statuses as msgids: a message shows them in the reader's language.
STATUS_MSGIDS = (N_("applied"), N_("police-check"), N_("refused"), N_("petition-to-akimat"), N_("registered"),
                 N_("suspended"), N_("withdrawn"), N_("deregistered"), N_("issued"), N_("returned"), N_("lost"))


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on ``day``: one turns N on the birthday itself.

    Someone born on 29 February turns a year older on 1 March in common years.

    Examples
    --------
    >>> age_on(date(2008, 5, 9), date(2026, 5, 9)), age_on(date(2008, 5, 10), date(2026, 5, 9))
    (18, 17)
    """
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def participant_eligible(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """Every member on the assignment is registered, of age, certified and trained by the shift date.

    - registered by the akimat (T, Law 590-II art. 5);
    - ``regime.min_age_years`` (18) or older on the shift date (T, Law art. 5); the shift date is
      the day the shift starts in ``regime.timezone`` (D); an unknown birth date fails;
    - when ``regime.require_certificate`` (D, on for Order 641): holds a certificate with status
      *issued* — item 2.2 of the order tells police chiefs to produce certificates, it sets no
      condition for taking part, so the check is cited as a design choice;
    - when ``regime.require_legal_training`` (D, on for Order 641): legal training recorded on or
      before the shift date (item 2.3 tells chiefs to organise it), and no older than
      ``regime.legal_training_valid_days`` when that is set (D, default: no expiry);
    - a formation with no eligible member gets nothing (D).

    Parameters
    ----------
    facts : AssignmentFacts
        Reads ``members`` and ``shift``.
    regime : Regime
        Reads the minimum age, training validity, time zone and citations.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    list of Violation
        One per failed condition per member.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from datetime import date
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts, member
    >>> young = replace(example_facts(), members=(member(birth_date=date(2008, 5, 10)),))
    >>> [(v.code, v.item, v.citation) for v in participant_eligible(young, get_regime())]
    [('participant-eligible', 'Law 590-II art. 5', 'Law 590-II art. 5')]
    >>> untrained = replace(example_facts(), members=(member(legal_training_on=None),))
    >>> [(v.item, v.citation) for v in participant_eligible(untrained, get_regime())]
    [('Order 641 item 2.3 (D)', 'design choice (D) under Order 641 item 2.3')]
    >>> participant_eligible(untrained, replace(get_regime(), require_legal_training=False))
    []
    """
    day = facts.shift.local_date(regime.timezone)
    found = []
    if facts.formation.is_collective and not facts.members:
        found.append(cited(regime, f"{CODE}:no-members", _(
            "%(formation)s has no eligible member to put on this shift.", formation=facts.formation.name), _))
    for m in facts.members:
        found += _member_problems(m, day, regime, _)
    return found


def eligible_members(members: Iterable[MemberFacts], day: date, regime: Regime) -> list[MemberFacts]:
    """The members who may take part on ``day`` (the same checks as ``participant_eligible``).

    Examples
    --------
    >>> from datetime import date
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import member
    >>> [m.name for m in eligible_members([member(), member(12, "Timur", birth_date=date(2010, 1, 1))],
    ...                                   date(2026, 5, 9), get_regime())]
    ['Aigerim Sadykova']
    """
    return [m for m in members if not _member_problems(m, day, regime, plain)]


def member_violations(member: MemberFacts, day: date, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """Why one member may not take part on ``day``: the per-member checks of ``participant_eligible``.

    Examples
    --------
    >>> from datetime import date
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import member
    >>> member_violations(member(), date(2026, 5, 9), get_regime())
    []
    """
    return _member_problems(member, day, regime, _)


def _member_problems(m: MemberFacts, day: date, regime: Regime, _: Gettext) -> list[Violation]:
    def violation(check: str, message: str) -> Violation:
        return cited(regime, f"{CODE}:{check}", message, _)

    found = []
    if m.registration != RegistrationStatus.REGISTERED:
        found.append(violation("registered", _(
            "%(name)s is not a registered participant (status: %(status)s).",
            name=m.name, status=_(str(m.registration)))))
    if m.birth_date is None:
        found.append(violation("age", _(
            "%(name)s has no recorded birth date; age %(age)d or older must be shown.",
            name=m.name, age=regime.min_age_years)))
    elif age_on(m.birth_date, day) < regime.min_age_years:
        found.append(violation("age", _(
            "%(name)s is under %(age)d on %(day)s; persons under %(age)d may not take part.",
            name=m.name, age=regime.min_age_years, day=day.isoformat())))
    if regime.require_certificate and m.certificate != CertificateStatus.ISSUED:
        found.append(violation("certificate", _(
            "%(name)s holds no issued participant's certificate (status: %(status)s).",
            name=m.name, status=_(str(m.certificate)) if m.certificate else _("none"))))
    if regime.require_legal_training:
        found += _training_problems(m, day, regime, violation, _)
    return found


def _training_problems(m: MemberFacts, day: date, regime: Regime, violation, _: Gettext) -> list[Violation]:
    trained = m.legal_training_on
    valid_days = regime.legal_training_valid_days
    found = []
    if trained is None or trained > day:
        found.append(violation("training", _(
            "%(name)s has no legal training recorded by %(day)s.", name=m.name, day=day.isoformat())))
    elif valid_days is not None and trained + timedelta(days=valid_days) < day:
        found.append(violation("training", _(
            "The legal training of %(name)s (%(trained)s) is older than %(days)d days.",
            name=m.name, trained=trained.isoformat(), days=valid_days)))
    return found
