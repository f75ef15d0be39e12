from .attendance import Attendance, AttendanceChange
from .calendar import CalendarFeed
from .courses import Course, Programme, Session
from .enrolment import Enrolment

__all__ = [
    "Attendance",
    "AttendanceChange",
    "CalendarFeed",
    "Course",
    "Enrolment",
    "Programme",
    "Session",
]
