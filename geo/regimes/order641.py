"""Order of the MIA of Kazakhstan of 27 November 2004 No. 641 (as amended 5 October 2023), as data.

Items without a prefix are items of Appendix 1 (the Rules); "Order 641 item 2.x" are items of the
order itself; "Law 590-II" is the Law of 9 July 2004 "On participation of citizens in ensuring
public order". **T** marks what the text says; **D** marks our design decision where the text is
silent or our copy is cut off (see ../shared/domain/regime.md). Every D is a setting here, not code.
"""
from __future__ import annotations

from datetime import timedelta

from ..domain import DEFAULT_TIMEZONE, ParticipationForm, PublicPlaceKind, TargetKind
from ..messages import N_
from . import ActivityType, Regime, ReportType

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
    ActivityType("8.2", "8.2", N_("Emergency aid to victims of accidents, road accidents and offences"), COL,
                 frozenset({K.INCIDENT, K.EMERGENCY_AREA})),
    ActivityType("8.3", "8.3", N_("Rescue and public order in natural disasters and other emergencies"), COL,
                 frozenset({K.INCIDENT, K.EMERGENCY_AREA})),
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

# T item 6: what a field report may fall under (the item 6 types a lone participant gives).
REPORT_TYPES = (
    ReportType("6.1", "6.1", N_("Offences being prepared or committed, their causes and conditions")),
    ReportType("6.2", "6.2", N_("Persons for preventive registers")),
    ReportType("6.3", "6.3", N_("Offences among minors, child neglect and homelessness")),
    ReportType("6.6", "6.6", N_("Illegal cultivation and collection of drug-containing plants")),
    ReportType("6.7", "6.7", N_("Dens and premises that could serve them")),
)

CITATIONS = {
    "formation-notified": "7",                                 # T item 7: notify the territorial body
    "formation-home-area": "7",                                # T item 7: residence, work, study, property
    "formation-home-area:override": "7, override D",           # D: officer's override with a reason
    "activity-target": "8",                                    # T item 8; each activity cites its own item
    "closed-activity-list": "Law 590-II art. 7.1.1",           # T: no control or supervisory functions
    "collective-only": "5-8",                                  # T items 5-8
    "collective-only:form": "5, form D",                       # T item 5: two forms; D: recorded form
    "police-supervision": "8.1",                               # T item 8.1; each activity cites its own
    "police-supervision:service": "6.2",                       # T item 6.2: staff of the specified services
    "no-double-booking": "D",                                  # D
    "event-window": "D",                                       # D
    "participant-eligible": "Law 590-II art. 5",               # T
    "participant-eligible:registered": "Law 590-II art. 5",    # T: registered by the akimat
    "participant-eligible:age": "Law 590-II art. 5",           # T: no one under 18
    "participant-eligible:certificate": "Order 641 item 2.2",  # T: certificates and badges
    "participant-eligible:training": "Order 641 item 2.3",     # T: legal training at police stations
}

REGIME = Regime(
    name="order-641",
    title=N_("MIA Order No. 641 of 27 November 2004 (as amended 5 October 2023)"),
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
    # D: "18 on the shift date" and "trained by the shift date" use the date the shift starts in Almaty.
    timezone=DEFAULT_TIMEZONE,
    # T item 6: a report from the field falls under one of the item 6 types.
    report_types=REPORT_TYPES,
    # D (item 5 gives the two forms): a participant who recorded the form individual, or both, may be
    # given an item 6 task on their own; a participant recorded only as a member may not.
    individual_forms=frozenset({"individual", "both"}),
)
