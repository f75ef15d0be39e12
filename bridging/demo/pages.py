"""The demo fills in the pages' own forms and calls the services the pages call, so that it
shows nothing a user could not have done. A form the demo fills in wrongly is a bug in the
demo: it stops with the form's errors."""

from bridging import readiness
from bridging.forms import (
    AssessmentForm,
    CourseForm,
    ProgrammeForm,
    QuestionnaireForm,
    SessionLogForm,
)
from bridging.models import Assessment, Course, Programme
from bridging.services import course_create, session_log_save


def valid(form):
    if not form.is_valid():
        raise ValueError(
            f"The demo filled in {type(form).__name__} wrongly: {form.errors.as_text()}"
        )
    return form


def programme(project, name, data) -> Programme:
    """The programme page's "new programme", found by name when it is there already."""
    found = Programme.objects.filter(organisation=project, name=name).first()
    if found is not None:
        return found
    made = valid(ProgrammeForm({"name": name, **data})).save(commit=False)
    made.organisation = project
    made.save()
    return made


def course(programme, name, data) -> Course:
    """The programme page's "new course" (which also makes its weekly sessions)."""
    found = Course.objects.filter(programme=programme, name=name).first()
    if found is not None:
        return found
    form = valid(CourseForm({"name": name, **data}, organisation=programme.organisation))
    return course_create(form=form, programme=programme)


def session_log(session, data, user):
    """The session page's log: what was done; a planned session with a log has been held."""
    return session_log_save(form=valid(SessionLogForm(data, instance=session)), user=user)


def assessment(enrolment, data, user) -> Assessment:
    """The readiness page's assessment of a participant, once per kind."""
    found = Assessment.objects.filter(
        enrolment=enrolment, kind=data["kind"], source=Assessment.Source.STAFF
    ).first()
    if found is not None:
        return found
    form = valid(AssessmentForm(data, participant=enrolment.participant))
    return readiness.assessment_create(form=form, enrolment=enrolment, user=user)


def own_assessment(enrolment, kind, data, on, user) -> Assessment:
    """A questionnaire made on the participant page, answered through its link on `on`."""
    found = Assessment.objects.filter(
        enrolment=enrolment, kind=kind, source=Assessment.Source.SELF
    ).first()
    if found is not None:
        return found
    questionnaire, _token = readiness.questionnaire_create(
        enrolment=enrolment, kind=kind, user=user
    )
    return readiness.questionnaire_answer(
        questionnaire=questionnaire, form=valid(QuestionnaireForm(data)), on=on
    )
