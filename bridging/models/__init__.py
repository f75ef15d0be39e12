from .attendance import Attendance, AttendanceChange
from .calendar import CalendarFeed
from .courses import Course, Programme, Session
from .enrolment import Enrolment
from .fairs import Fair, FairInterest
from .handovers import FollowUp, Handover, HandoverParticipant
from .readiness import INDICATORS, Assessment, Dimension, Questionnaire, Score

__all__ = [
    "INDICATORS",
    "Assessment",
    "Attendance",
    "AttendanceChange",
    "CalendarFeed",
    "Course",
    "Dimension",
    "Enrolment",
    "Fair",
    "FairInterest",
    "FollowUp",
    "Handover",
    "HandoverParticipant",
    "Programme",
    "Questionnaire",
    "Score",
    "Session",
]
