"""Order of the MIA of Kazakhstan of 27 November 2004 No. 641 (as amended 5 October 2023), as data.

How citations read (``CITATIONS``, shown beside every violation):

- "Order 641, Rules item 8.1" — an item of Appendix 1 to the order, the Rules (items 5–8: the forms
  and types of participation); in a violation's compact ``item`` these go bare: "8.1";
- "Order 641 item 2.2" — an item of the order itself (items 2.x: what police chiefs are told to do);
- "Law 590-II art. 5" — the Law of 9 July 2004 No. 590-II "On participation of citizens in
  ensuring public order";
- "design choice (D)" — no text stands behind it; "design choice (D) under Order 641, Rules item
  8.1" — a detail kuzet chose of what that item says (compact: "8.1 (D)").

**T** marks what the text says; **D** marks our design decision where the text is silent or our
copy is cut off (see ../shared/domain/regime.md). Every D is a setting here, not code. The ru and
kk wording of the citations is kuzet's translation, not the official text.
"""
from __future__ import annotations

from datetime import timedelta

from ..domain import DEFAULT_TIMEZONE, ParticipationForm, PublicPlaceKind, TargetKind
from ..messages import N_
from . import DESIGN, Act, ActivityType, Citation, Regime, ReportType

IND, COL = ParticipationForm.INDIVIDUAL, ParticipationForm.COLLECTIVE
K = TargetKind

# D: the Order gives item 6 types no place; when a formation does them (item 8 allows it, T) we
# accept the places where such work is done on foot. 6.6 adds pastures and fields, where wild
# and illegally grown drug plants are found.
ITEM_6_TARGETS = frozenset({K.PATROL_ZONE, K.PUBLIC_PLACE, K.CAMPUS})
ITEM_6_6_TARGETS = ITEM_6_TARGETS | {K.PASTURE, K.CROP_FIELD}

ACTIVITIES = (
    # T item 6: individual assistance (form individual; formations may do them too, T item 8).
    ActivityType("6.1", "6.1", N_("Reporting offences being prepared or committed, their causes and conditions"),
                 IND, ITEM_6_TARGETS),
    # T item 6.2: "with direct participation of staff of the specified services" (local police
    # inspectors and units for minors) -> a supervising officer of one of those services is required.
    ActivityType("6.2", "6.2", N_("Identifying persons for preventive registers; individual preventive work"),
                 IND, ITEM_6_TARGETS, needs_supervisor=True,
                 supervising_services=frozenset({"local-inspector", "juvenile"})),
    ActivityType("6.3", "6.3", N_("Preventing offences among minors, child neglect and homelessness"),
                 IND, ITEM_6_TARGETS),
    ActivityType("6.4", "6.4", N_("Promoting the Traffic Regulations"), IND, ITEM_6_TARGETS),
    ActivityType("6.5", "6.5", N_("Promoting legal knowledge"), IND, ITEM_6_TARGETS),
    ActivityType("6.6", "6.6", N_("Identifying illegal cultivation and collection of drug-containing plants"),
                 IND, ITEM_6_6_TARGETS),
    ActivityType("6.7", "6.7", N_("Identifying dens and premises that could serve them"), IND, ITEM_6_TARGETS),
    # T item 8: collective types. Target kinds are the mapping D of regime.md.
    # T item 8.1: "under direct management of staff" -> a supervising officer is required.
    ActivityType("8.1", "8.1", N_("Public order in public places and at events"), COL,
                 frozenset({K.PUBLIC_PLACE, K.PATROL_ZONE, K.EVENT}), needs_supervisor=True),
    # D: 8.2/8.3 need no officer by default (the text requires one only for 8.1); set True to require.
    # D: their target is the emergency area the police declare (with its period) at an accident,
    # offence or disaster scene; the text names no place. Not an incident: kuzet shows incident
    # records to the police staff only (an access choice, D), and a formation's leader sees the
    # target of every shift they are given.
    ActivityType("8.2", "8.2", N_("Emergency aid to victims of accidents, road accidents and offences"), COL,
                 frozenset({K.EMERGENCY_AREA})),
    ActivityType("8.3", "8.3", N_("Rescue and public order in natural disasters and other emergencies"), COL,
                 frozenset({K.EMERGENCY_AREA})),
    # D: traffic safety happens on streets and thoroughfares, or across a patrol zone.
    ActivityType("8.4", "8.4", N_("Traffic safety and prevention of road accidents"), COL,
                 frozenset({K.PUBLIC_PLACE, K.PATROL_ZONE}),
                 place_kinds=frozenset({PublicPlaceKind.STREET, PublicPlaceKind.THOROUGHFARE})),
    ActivityType("8.5", "8.5", N_("Protection of pastures and places where cattle graze and are kept"), COL,
                 frozenset({K.PASTURE})),
    ActivityType("8.6", "8.6", N_("Preventing and suppressing theft of grain and other crops"), COL,
                 frozenset({K.CROP_FIELD})),
    ActivityType("8.7", "8.7", N_("Public order on the territory of educational institutions"), COL,
                 frozenset({K.CAMPUS})),
    # Our copy ends inside item 8: further types are appended here as data.
)

# The acts Order 641's regime cites (see the module docstring for how each reads).
ORDER = Act("order-641", N_("Order 641 item %(item)s"), N_("Order 641 items %(item)s"), "Order 641 item")
RULES = Act("order-641-rules", N_("Order 641, Rules item %(item)s"), N_("Order 641, Rules items %(item)s"))
LAW = Act("law-590-II", N_("Law 590-II art. %(item)s"), N_("Law 590-II arts. %(item)s"), "Law 590-II art.")


def rules(item: str, note: str = "") -> Citation:
    """T: an item of the Rules (Appendix 1)."""
    return Citation(RULES, item, note=note)


def law(article: str, note: str = "") -> Citation:
    """T: an article of Law 590-II."""
    return Citation(LAW, article, note=note)


def design(note: str, act: Act | None = None, item: str = "") -> Citation:
    """D: a design choice, under ``act`` ``item`` when it details what that text says."""
    return Citation(act, item, DESIGN, note)


# T item 6: what a field report may fall under (the item 6 types a lone participant gives).
REPORT_TYPES = (
    ReportType("6.1", "6.1", N_("Offences being prepared or committed, their causes and conditions")),
    ReportType("6.2", "6.2", N_("Persons for preventive registers")),
    ReportType("6.3", "6.3", N_("Offences among minors, child neglect and homelessness")),
    ReportType("6.6", "6.6", N_("Illegal cultivation and collection of drug-containing plants")),
    ReportType("6.7", "6.7", N_("Dens and premises that could serve them")),
)

# Check -> what it enforces. A rule code, or "code:detail" for one condition of it; keys are stable.
CITATIONS = {
    "formation-notified": rules("7", "notify the territorial internal-affairs body"),
    # T item 7: the territorial body; how much of the home area its jurisdiction must hold is ours.
    "formation-notified:jurisdiction": design("notified_unit_min_share of the home area", RULES, "7"),
    "formation-home-area": rules("7", "place of residence, work, study or property"),
    "formation-home-area:override": design("an officer's override with a reason", RULES, "7"),
    "formation-home-area:base": rules("7", "the home area holds the recorded base"),
    # The activity's own item (T) names the type; which target kinds fit it is ours (D, the mapping).
    "activity-target": design("mapping of activity types to target kinds", RULES, "8"),
    "closed-activity-list": law("7.1.1", "no control or supervisory functions; title of the order"),
    "collective-only": rules("5-8", "individual and collective forms"),
    # T item 5: two forms; that a participant is given a task alone only in the form they recorded is ours.
    "collective-only:form": design("the participant's recorded form (individual_forms)", RULES, "5"),
    # T item 8.1 (and 6.2): direct management of / participation of staff -> name an officer;
    # the violation cites the activity's own item.
    "police-supervision": rules("8.1", "under direct management of police staff"),
    # D details of "direct management" (cited under the activity's own item).
    # T item 6.2: "with direct participation of staff of the specified services" (supervising_services).
    "police-supervision:service": rules("6.2", "staff of the specified services"),
    "police-supervision:active": design("the officer is active", RULES, "8.1"),
    "police-supervision:jurisdiction": design("the officer's unit covers the target", RULES, "8.1"),
    "police-supervision:on-duty": design("on duty for the whole shift", RULES, "8.1"),
    # D: a named officer is checked even where the type needs none (8.5 etc.): no text behind it.
    "police-supervision:named-officer": design("a named officer is checked where the type needs none"),
    "no-double-booking": design("a formation is in one place at a time"),
    "no-double-booking:officer": design("at most max_formations_per_officer formations at once", RULES, "8.1"),
    "event-window": design("an event's shift lies within its time window"),
    "participant-eligible": law("5"),
    "participant-eligible:registered": law("5", "registered by the akimat"),
    "participant-eligible:age": law("5", "no one under 18"),
    # D: items 2.2/2.3 tell police chiefs to issue certificates and organise training; they set no
    # condition for taking part. Requiring them is ours (require_certificate, require_legal_training).
    "participant-eligible:certificate": design("require_certificate", ORDER, "2.2"),
    "participant-eligible:training": design("require_legal_training", ORDER, "2.3"),
    "participant-eligible:no-members": design("a formation with no eligible member gets nothing"),
    # D: flags of the dispatcher's board (geo.rules.board); they warn and refuse nothing.
    "participant-eligible:min-members": design("at least min_formation_members members on a shift"),
    "board-shared-target": design("two formations on one target at one time are flagged"),
    # D: the Order says nothing of location tracking; presence and consent are ours (geo.rules.presence,
    # settings geo.settings.PresenceSettings).
    "presence-own-session": design("a position comes from the participant's own session"),
    "presence-consent": design("positions only with the participant's recorded consent"),
    "presence-checked-in": design("positions only between check-in and check-out, while sending is on"),
    "presence-shift-window": design("positions only within the shift and its grace"),
    "presence-speed": design("positions only within a plausible speed of the previous one"),
    "presence-accuracy": design("positions only with a sane accuracy"),
    "presence-check": design("check-in and check-out only on one's own live shift, within its grace"),
}

REGIME = Regime(
    name="order-641",
    title=N_("MIA Order 641 of 27.11.2004 as amended 05.10.2023"),
    activities=ACTIVITIES,
    citations=CITATIONS,
    # The order check_assignment runs the rules in; every code of regime.md's table.
    rules=("closed-activity-list", "collective-only", "activity-target", "formation-notified",
           "formation-home-area", "police-supervision", "no-double-booking", "event-window",
           "participant-eligible"),
    # T Law 590-II art. 5: persons under 18 may not take part.
    min_age_years=18,
    # D: "direct management" (item 8.1) by one officer of at most this many formations at once.
    max_formations_per_officer=2,
    # D: the notified body is "the territorial authority of internal affairs" (T item 7) of the place
    # where the formation acts: the unit whose jurisdiction holds at least this share of the home area
    # (a campus or a neighbourhood may straddle two units; a unit elsewhere in the city holds none).
    notified_unit_min_share=0.5,
    # D: a target must lie inside the home area; raise to accept targets this many metres outside.
    home_area_allowance_m=0.0,
    # D: only the assignment's own supervising officer may record a home-area override.
    override_by_assigned_supervisor_only=True,
    # D: legal training (item 2.3) counts once recorded, without expiry; a number of days sets one.
    legal_training_valid_days=None,
    # D: a shift at an event lies inside the event's window; emergency areas are not held to theirs.
    windowed_target_kinds=frozenset({K.EVENT}),
    # D: no arriving before an event starts nor staying after it ends.
    window_lead=timedelta(0),
    window_trail=timedelta(0),
    # D: a member must hold an issued certificate (item 2.2 sets none) and have had legal training
    # (item 2.3 sets none) to be put on an assignment; on for this deployment.
    require_certificate=True,
    require_legal_training=True,
    # D: "18 on the shift date" and "trained by the shift date" use the date the shift starts in Almaty.
    timezone=DEFAULT_TIMEZONE,
    # T item 6: a report from the field falls under one of the item 6 types.
    report_types=REPORT_TYPES,
    # D (item 5 gives the two forms): a participant who recorded the form individual, or both, may be
    # given an item 6 task on their own; a participant recorded only as a member may not.
    individual_forms=frozenset({"individual", "both"}),
)
