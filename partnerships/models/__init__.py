from .agreements import PartnershipAgreement
from .offers import Offer
from .organisations import ActivityType, Membership, Organisation
from .readiness import READINESS_ITEMS, ReadinessAnswer

__all__ = [
    "READINESS_ITEMS",
    "ActivityType",
    "Membership",
    "Offer",
    "Organisation",
    "PartnershipAgreement",
    "ReadinessAnswer",
]
