from .agreements import PartnershipAgreement
from .api_tokens import ApiToken
from .local import (
    ActionPlanVersion,
    ActivityDescription,
    BoundaryEncounter,
    DevelopmentAssessment,
    HousingArea,
    LevelChange,
    LocalActivity,
    LocalPartnership,
    Registration,
    TrackStep,
)
from .offers import Offer
from .organisations import ActivityType, Membership, Organisation
from .readiness import READINESS_ITEMS, ReadinessAnswer

__all__ = [
    "READINESS_ITEMS",
    "ActionPlanVersion",
    "ApiToken",
    "ActivityDescription",
    "BoundaryEncounter",
    "DevelopmentAssessment",
    "HousingArea",
    "LevelChange",
    "LocalActivity",
    "LocalPartnership",
    "Registration",
    "TrackStep",
    "ActivityType",
    "Membership",
    "Offer",
    "Organisation",
    "PartnershipAgreement",
    "ReadinessAnswer",
]
