"""URLs of the journey (namespace "bridging"); the project's root URLs are in urls.py."""

from django.urls import path

from .views import (
    attendance_sheet,
    calendar,
    courses,
    enrolment,
    fairs,
    funnel,
    handovers,
    offers,
    readiness,
    sessions,
    start,
)

app_name = "bridging"

urlpatterns = [
    path("overview/", start.coordinator_overview, name="coordinator_overview"),
    path("overview/<slug:key>/", start.work_queue_list, name="work_queue"),
    path("my-courses/", start.instructor_home, name="instructor_home"),
    path("dropout-warnings/", courses.dropout_warnings, name="dropout_warnings"),
    path("programmes/", courses.programme_list, name="programme_list"),
    path("programmes/new/", courses.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", courses.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", courses.programme_update, name="programme_update"),
    path("programmes/<int:pk>/courses/new/", courses.course_create, name="course_create"),
    path("courses/<int:pk>/", courses.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", courses.course_update, name="course_update"),
    path("courses/<int:pk>/enrol/", enrolment.enrolment_create, name="enrolment_create"),
    path(
        "courses/<int:pk>/enrol/participants/",
        enrolment.enrolment_suggestions,
        name="enrolment_suggestions",
    ),
    path("participants/<int:pk>/enrol/", enrolment.participant_enrol, name="participant_enrol"),
    path("courses/<int:pk>/complete/", courses.course_complete, name="course_complete"),
    path(
        "courses/<int:pk>/complete/undo/",
        courses.course_complete_undo,
        name="course_complete_undo",
    ),
    path(
        "courses/<int:pk>/enrolments/<int:enrolment_pk>/withdraw/",
        courses.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path("courses/<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_update, name="session_update"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/log/", sessions.session_log, name="session_log"),
    path("sessions/<int:pk>/attendance/", sessions.attendance_mark, name="attendance_mark"),
    path(
        "sessions/<int:pk>/attendance/all-present/",
        sessions.attendance_mark_all,
        name="attendance_mark_all",
    ),
    path("courses/<int:pk>/readiness/", readiness.course_readiness, name="course_readiness"),
    path(
        "enrolments/<int:pk>/assessments/new/",
        readiness.assessment_create,
        name="assessment_create",
    ),
    path(
        "enrolments/<int:pk>/questionnaires/new/",
        readiness.questionnaire_create,
        name="questionnaire_create",
    ),
    path(
        "questionnaires/<int:pk>/link/",
        readiness.questionnaire_created,
        name="questionnaire_created",
    ),
    path(
        "questionnaires/<int:pk>/open-here/",
        readiness.questionnaire_open_here,
        name="questionnaire_open_here",
    ),
    path("q/<str:token>/", readiness.questionnaire_answer, name="questionnaire_answer"),
    path("courses/<int:pk>/offers/", offers.course_offers, name="course_offers"),
    path(
        "courses/<int:pk>/attendance-sheet/",
        attendance_sheet.attendance_sheet,
        name="attendance_sheet",
    ),
    path("programmes/<int:pk>/fairs/new/", fairs.fair_create, name="fair_create"),
    path("fairs/<int:pk>/", fairs.fair_detail, name="fair_detail"),
    path("fairs/<int:pk>/edit/", fairs.fair_update, name="fair_update"),
    path("fairs/<int:pk>/visitor/", fairs.fair_visitor, name="fair_visitor"),
    path(
        "fairs/<int:pk>/visitor/suggestions/",
        fairs.fair_visitor_suggestions,
        name="fair_visitor_suggestions",
    ),
    path(
        "fairs/organisation-suggestions/",
        fairs.fair_organisation_suggestions,
        name="fair_organisation_suggestions",
    ),
    path(
        "fairs/<int:pk>/participants/<int:participant_pk>/interest/",
        fairs.fair_interest,
        name="fair_interest",
    ),
    path("courses/<int:pk>/handovers/new/", handovers.handover_create, name="handover_create"),
    path(
        "handovers/offer-suggestions/",
        handovers.handover_offer_suggestions,
        name="handover_offer_suggestions",
    ),
    path(
        "handovers/organisation-suggestions/",
        handovers.continuing_offer_organisation_suggestions,
        name="continuing_offer_organisation_suggestions",
    ),
    path(
        "courses/<int:pk>/continuing-offer/",
        handovers.continuing_offer_create,
        name="continuing_offer_create",
    ),
    path("handovers/", handovers.handover_list, name="handover_list"),
    path("handovers/export.<str:fmt>", funnel.handover_export, name="handover_export"),
    path("handovers/<int:pk>/", handovers.handover_detail, name="handover_detail"),
    path(
        "handovers/<int:pk>/accept/",
        handovers.handover_accept_group,
        name="handover_accept_group",
    ),
    path(
        "handover-participants/<int:pk>/<slug:action>/",
        handovers.handover_transition,
        name="handover_transition",
    ),
    path("follow-ups/<int:pk>/", handovers.follow_up_answer, name="follow_up_answer"),
    path("inbox/", handovers.inbox, name="inbox"),
    path("programmes/<int:pk>/funnel/", funnel.programme_funnel, name="programme_funnel"),
    path(
        "programmes/<int:pk>/funnel/course-suggestions/",
        funnel.funnel_course_suggestions,
        name="funnel_course_suggestions",
    ),
    path(
        "programmes/<int:pk>/funnel/export.<str:fmt>",
        funnel.funnel_export,
        name="funnel_export",
    ),
    path("calendar/", calendar.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
