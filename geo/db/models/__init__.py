"""The PostGIS layers and records as SQLAlchemy 2 models (the migrations hold the same schema)."""
from .accounts import (ApiToken, CalendarFeed, AuditLog, FieldReport, LoginAttempt, ReportPhoto, UserAccount,
                       WebSession)
from .analysis import AnalysisCell, AnalysisRun, EmergingCell
from .base import Base
from .basemap import BASEMAP_KINDS, BasemapFeature
from .network import StreetSegment
from .notifications import MailOutbox, Notification
from .layers import (MODELS, AnalysisArea, AnalysisAreaWeights, Campus, CropField, District, Event, Formation, ImportBatch, Incident, IncidentCell, Pasture,
                     PatrolZone, PoliceUnit, PublicPlace, geometry, one_of)
from .presence import AssignmentDosage, LocationConsent, PresencePosition, ShiftPresence
from .people import FormationMember, Officer, OfficerDuty, Participant
from .work import (TARGET_TABLES, RegimeActivity, Assignment, AssignmentHistory, AssignmentMember, EmergencyArea,
                   PatrolRoute)

__all__ = ["MailOutbox", "Notification", "ApiToken", "CalendarFeed", "AuditLog", "FieldReport", "LoginAttempt", "ReportPhoto", "UserAccount", "WebSession", "AnalysisArea", "AnalysisAreaWeights", "AnalysisCell", "AnalysisRun", "EmergingCell", "Base", "BASEMAP_KINDS", "BasemapFeature", "MODELS", "Campus", "CropField", "District", "Event", "Formation", "ImportBatch", "Incident", "IncidentCell",
           "Pasture", "PatrolZone", "PoliceUnit", "PublicPlace", "geometry", "one_of", "FormationMember",
           "Officer", "OfficerDuty", "Participant", "TARGET_TABLES", "RegimeActivity", "Assignment", "AssignmentHistory",
           "AssignmentMember", "EmergencyArea", "PatrolRoute", "StreetSegment", "AssignmentDosage",
           "LocationConsent", "PresencePosition", "ShiftPresence"]
