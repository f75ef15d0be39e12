from .agreements import PartnershipAgreement
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
