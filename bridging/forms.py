import datetime
import re

from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common import forms  # Django's forms, held to common limits (common/forms.py)
from common.forms import OneTimeTokenMixin
from common.search import SearchModelChoiceField, SearchModelMultipleChoiceField
from participants.models import Participant
from partnerships.models import ActivityType, Membership, Offer, Organisation

from .funnel import FOLLOW_UP_MONTHS
from .models import (
    INDICATORS,
    Assessment,
    Course,
    Dimension,
    Enrolment,
    Fair,
    FairInterest,
    FollowUp,
    Handover,
    HandoverParticipant,
    Programme,
    Questionnaire,
    Score,
    Session,
)
from .models.readiness import INDICATOR_FIELDS

DATE = forms.DATE
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PARTICIPANT_NAME = [f"participant__{field}" for field in Participant.NAME_FIELDS]


class ProgrammeForm(OneTimeTokenMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "target_group",
            "starts_on",
            "ends_on",
            "exit_goal",
            "default_bridging_model",
            "readiness_threshold",
            "minimum_attendance",
            "follow_up_months",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "exit_goal": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_follow_up_months(self):
        """Only the months the funnel counts (funnel.FOLLOW_UP_MONTHS): a follow-up at another
        month would be asked and answered and counted nowhere."""
        value = self.cleaned_data["follow_up_months"]
        if not re.fullmatch(r"\d{1,2}(,\d{1,2})*", value):
            return value  # the model's own check says how to write it
        months = {int(month) for month in value.split(",")}
        if not months <= set(FOLLOW_UP_MONTHS):
            raise forms.ValidationError(
                _("Choose among 3, 6 and 12 months, separated by commas, e.g. 3,6,12.")
            )
        return ",".join(str(month) for month in sorted(months))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The programme cannot end before it starts."))
        return cleaned


class _TimesMixin:
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return cleaned


class CourseForm(_TimesMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "name",
            "instructors",
            "venue",
            "address",
            "municipality",
            "weekday",
            "start_time",
            "end_time",
            "start_date",
            "weeks",
            "capacity",
            "status",
        ]
        widgets = {
            "instructors": forms.CheckboxSelectMultiple,
            "start_time": TIME,
            "end_time": TIME,
            "start_date": DATE,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructors"].queryset = (
            self.fields["instructors"]
            .queryset.filter(
                memberships__organisation=organisation,
                memberships__role=Membership.Role.INSTRUCTOR,
            )
            .order_by("first_name", "last_name")
        )
        self.fields["instructors"].label_from_instance = lambda u: u.get_full_name() or u.username
        status = self.fields["status"]
        if self.instance.pk and self.instance.status == Course.Status.COMPLETED:
            status.disabled = True
            status.help_text = _("Undo the completion on the course page.")
        else:
            # Completing goes through the course page, which completes the enrolments too.
            status.choices = [c for c in status.choices if c[0] != Course.Status.COMPLETED]
            status.help_text = _(
                "A planned course is shown as running from its first session. Complete the "
                "course with the button on the course page."
            )
        if self.instance.pk:
            # The schedule made the sessions; move or add sessions one by one instead.
            for name in ["weekday", "start_date", "weeks"]:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Move or add single sessions on the course page.")


class _EnrolmentFields(forms.Form):
    """What every enrolment asks, and the confirmation when the participant already goes to
    another running course."""

    recruitment = forms.ChoiceField(
        label=_("Recruited through"),
        choices=[("", "---------"), *Participant.Recruitment.choices],
        required=False,
    )
    exit_goal_explained = forms.BooleanField(
        label=_("The goal of continuing in a permanent offer was explained at recruitment"),
        required=False,
    )
    confirm_second = forms.BooleanField(
        label=_("Yes, enrol them on this course as well"),
        required=False,
        widget=forms.HiddenInput,
    )

    def _check_second_course(self, participant, course):
        if participant is None or course is None or self.cleaned_data.get("confirm_second"):
            return
        others = list(
            Course.objects.alias(shown_status=Course.shown_status_expression())
            .filter(
                shown_status=Course.Status.RUNNING,
                enrolments__participant=participant,
                enrolments__status=Enrolment.Status.ENROLLED,
            )
            .exclude(pk=course.pk)
            .values_list("name", flat=True)[:3]
        )
        if others:
            self.fields["confirm_second"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_second",
                _("%(name)s already goes to %(courses)s, which is running. Tick the box to "
                  "enrol them here as well.")
                % {"name": participant, "courses": ", ".join(others)},
            )  # fmt: skip


# Who is on a course, or waiting for it: not offered it again (one who withdrew can come back).
_not_withdrawn = Enrolment.objects.exclude(status=Enrolment.Status.WITHDRAWN)


class EnrolmentForm(_EnrolmentFields):
    """Enrol on a course: the participant is found by searching, never from a list of all;
    people already on the course (or waiting for it) are not offered."""

    field_order = ["participant", "recruitment", "exit_goal_explained", "confirm_second"]

    participant = SearchModelChoiceField(
        label=_("Participant"),
        queryset=Participant.objects.none(),
        search_fields=("first_name", "last_name", "phone", "email"),
        suggest_url="",
        help_text=_("Search by name, phone or email."),
    )

    def __init__(self, *args, course, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        field = self.fields["participant"]
        field.queryset = (
            participants.filter(organisation=course.programme.organisation_id)
            .filter(anonymised_at__isnull=True)
            .exclude(pk__in=_not_withdrawn.filter(course=course).values("participant"))
            .order_by("first_name", "last_name", "pk")
        )
        field.suggest_url = reverse("bridging:enrolment_suggestions", args=[course.pk])
        field.label_from_instance = lambda p: f"{p} ({p.birth_year or '?'})"

    def clean(self):
        cleaned = super().clean()
        self._check_second_course(cleaned.get("participant"), self.course)
        return cleaned


class ParticipantEnrolmentForm(_EnrolmentFields):
    """Enrol from the participant's page: one of the project's planned or running courses that
    they are not on or waiting for (a handful, so a list)."""

    field_order = ["course", "recruitment", "exit_goal_explained", "confirm_second"]

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())

    def __init__(self, *args, participant, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["course"].queryset = (
            courses.filter(
                programme__organisation=participant.organisation_id,
                status__in=Course.NOT_OVER,
            )
            .exclude(pk__in=_not_withdrawn.filter(participant=participant).values("course"))
            .select_related("programme")
            .order_by("start_date", "name")
        )
        self.fields["course"].label_from_instance = lambda c: (
            f"{c.name} ({c.get_status_display().lower()}, "
            f"{date_format(c.start_date, 'SHORT_DATE_FORMAT')})"
        )
        self.initial.setdefault("recruitment", participant.recruitment)

    def clean(self):
        cleaned = super().clean()
        self._check_second_course(self.participant, cleaned.get("course"))
        return cleaned


class FunnelCourseForm(forms.Form):
    """The funnel of one of the programme's courses: the course is found by searching its name
    or venue (a programme can have hundreds), never from a list of all of them."""

    course = SearchModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        search_fields=("name", "venue"),
        suggest_url="",
        required=False,
        help_text=_("Leave it empty for all the programme's courses."),
    )

    def __init__(self, *args, programme, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        field.queryset = (
            Course.objects.visible_to(user).filter(programme=programme).order_by("name", "pk")
        )
        field.suggest_url = reverse("bridging:funnel_course_suggestions", args=[programme.pk])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Give a reason for the withdrawal.")},
    )


class SessionForm(_TimesMixin, forms.ModelForm):
    """Moving a session, or adding one to the course (the instance knows its course)."""

    WEEKS_BEFORE, WEEKS_AFTER = 8, 26
    """How far from its course's planned weeks a session may lie."""

    class Meta:
        model = Session
        fields = ["date", "start_time", "end_time"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}

    def clean_date(self):
        day = self.cleaned_data["date"]
        planned = self.instance.course.scheduled_dates()
        first = planned[0] - datetime.timedelta(weeks=self.WEEKS_BEFORE)
        last = planned[-1] + datetime.timedelta(weeks=self.WEEKS_AFTER)
        if not first <= day <= last:
            raise forms.ValidationError(
                _("A session lies near its course: between %(first)s and %(last)s.")
                % {
                    "first": date_format(first, "SHORT_DATE_FORMAT"),
                    "last": date_format(last, "SHORT_DATE_FORMAT"),
                }
            )
        return day


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=200,
        error_messages={"required": _("Give a reason for cancelling the session.")},
    )


class SessionLogForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["content", "exit_theme", "exit_note", "team_building", "notes"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class _IndicatorsForm(forms.ModelForm):
    """The eight indicators as radio buttons on the four-step scale."""

    label_attribute = "observed"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in INDICATORS:
            field = self.fields[indicator.field]
            field.label = getattr(indicator, self.label_attribute)
            field.widget = forms.RadioSelect(choices=Score.choices)
            field.error_messages["required"] = _("Choose one of the four steps.")
            field.error_messages["invalid_choice"] = _("Choose one of the four steps.")
            field.dimension = indicator.dimension


class AssessmentForm(_IndicatorsForm):
    class Meta:
        model = Assessment
        fields = ["kind", "assessed_on", *INDICATOR_FIELDS, "note"]
        widgets = {"assessed_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, participant=None, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in INDICATORS:
            if participant is not None:
                # About the participant by first name: "Jens ved hvilke tilbud ...".
                self.fields[indicator.field].label = str(indicator.about) % {
                    "name": participant.first_name
                }
            self.fields[f"note_{indicator.field}"] = forms.CharField(
                label=_("Note"), required=False, max_length=500
            )

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An assessment cannot be dated in the future."))
        return day

    def indicator_rows(self):
        """(score field, note field, dimension label) per indicator, for the template."""
        return [
            (self[i.field], self[f"note_{i.field}"], Dimension(i.dimension).label)
            for i in INDICATORS
        ]

    def save(self, commit=True):
        self.instance.indicator_notes = {
            i.field: self.cleaned_data[f"note_{i.field}"]
            for i in INDICATORS
            if self.cleaned_data.get(f"note_{i.field}")
        }
        return super().save(commit)


class QuestionnaireForm(_IndicatorsForm):
    """The participant's own questionnaire: the same indicators in the first person."""

    label_attribute = "own_words"
    # Anyone holding the link may post this form: short answers only.
    text_limits = {"wishes_after": 1000, "known_offers": 1000}

    class Meta:
        model = Assessment
        fields = [*INDICATOR_FIELDS, "wishes_after", "known_offers", "continue_with_team"]
        widgets = {
            "wishes_after": forms.Textarea(attrs={"rows": 2}),
            "known_offers": forms.Textarea(attrs={"rows": 2}),
            "continue_with_team": forms.RadioSelect,
        }
        labels = {
            "wishes_after": _("What would you like to do after the course?"),
            "known_offers": _("Which offers for exercise in your area do you know?"),
            "continue_with_team": _("Would you prefer to continue with others from the team?"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Three answers to choose from, none chosen beforehand: the empty choice showed as a
        # radio button "---------", ticked. Not answering it stays allowed.
        field = self.fields["continue_with_team"]
        field.choices = [(value, label) for value, label in field.choices if value]


class QuestionnaireCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Questionnaire"), choices=Questionnaire.KINDS)


class FairForm(forms.ModelForm):
    organisations = SearchModelMultipleChoiceField(
        label=_("Organisations taking part"),
        queryset=Organisation.objects.none(),
        search_fields=("name", "municipality"),
        suggest_url=reverse_lazy("bridging:fair_organisation_suggestions"),
    )

    class Meta:
        model = Fair
        fields = ["name", "date", "place", "organisations", "offers"]
        widgets = {"date": DATE, "offers": forms.CheckboxSelectMultiple}
        help_texts = {
            "offers": _("Leave empty to present every active offer of the organisations."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.exclude(
            kind__in=[Organisation.Kind.PROJECT, Organisation.Kind.MUNICIPALITY]
        ).order_by("name", "pk")
        self.fields["organisations"].label_from_instance = _organisation_label
        if self.instance.pk:
            self.fields["offers"].queryset = Offer.objects.filter(
                organisation__in=self.instance.organisations.all(), is_active=True
            ).select_related("organisation")
        else:
            del self.fields["offers"]


def _organisation_label(organisation):
    return f"{organisation.name} ({organisation.municipality})"


class FairVisitorForm(forms.Form):
    """Who has come: a participant of the project, found by name (there may be thousands)."""

    participant = SearchModelChoiceField(
        label=_("Participant"),
        queryset=Participant.objects.none(),
        search_fields=("first_name", "last_name"),
        suggest_url="",
    )

    def __init__(self, *args, participants, fair, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        field.queryset = participants.filter(anonymised_at__isnull=True).order_by(
            "first_name", "last_name", "pk"
        )
        field.suggest_url = reverse("bridging:fair_visitor_suggestions", args=[fair.pk])
        field.label_from_instance = lambda participant: (
            _("%(name)s, born %(year)s")
            % {
                "name": participant,
                "year": participant.birth_year,
            }
        )


class FairInterestForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(
        choices=[("", _("Not interested")), *FairInterest.Level.choices], required=False
    )


class HandoverForm(forms.Form):
    mode = forms.ChoiceField(label=_("Bridging model"), choices=Handover.Mode.choices)
    offer = SearchModelChoiceField(
        label=_("Offer"),
        queryset=Offer.objects.none(),
        required=False,
        search_fields=("name", "organisation__name", "venue"),
        suggest_url=reverse_lazy("bridging:handover_offer_suggestions"),
        label_from_instance=lambda offer: offer_label(offer),  # defined below
    )
    enrolments = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Enrolment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one participant.")},
    )
    contact_participant = forms.ModelChoiceField(
        label=_("Contact person in the group"), queryset=Participant.objects.none(), required=False
    )
    meeting_place = forms.CharField(
        label=_("Where the group meets"), max_length=200, required=False
    )
    meeting_time = forms.CharField(label=_("When the group meets"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    send_now = forms.BooleanField(
        label=_("Send to the organisation now"), required=False, initial=True
    )
    overlap_reason = forms.CharField(
        label=_("Why hand over someone who is already on their way"),
        max_length=300,
        required=False,
        help_text=_(
            "Needed only when a participant you chose is already in an open handover "
            "(proposed, sent, accepted, or started and not stopped)."
        ),
    )

    def __init__(self, *args, roster, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = roster
        self.fields["offer"].queryset = offers
        self.fields["contact_participant"].queryset = Participant.objects.filter(
            pk__in=roster.values("participant")
        )


def offer_label(offer) -> str:
    """How an offer is told apart from its namesakes: name, organisation, days and time, fee."""
    when = f"{offer.get_weekdays_display()} {offer.start_time:%H.%M}"
    fee = (
        _("%(fee)s kr. per month") % {"fee": offer.monthly_fee} if offer.monthly_fee else _("Free")
    )
    return f"{offer.name} · {offer.organisation.name} · {when} · {fee}"


class AcceptForm(forms.Form):
    first_session_on = forms.DateField(label=_("First session"), widget=DATE)
    buddy = forms.CharField(label=_("Contact or buddy at the organisation"), max_length=200)


class StartForm(forms.Form):
    started_on = forms.DateField(label=_("First session at the offer"), widget=DATE)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *HandoverParticipant.DeclineReason.choices],
    )
    note = forms.CharField(label=_("About the reason"), max_length=300, required=False)


class FollowUpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Still active?"), choices=FollowUp.Answer.choices, widget=forms.RadioSelect
    )
    stop_reason = forms.CharField(label=_("Why they stopped"), max_length=300, required=False)


class ContinuingOfferForm(forms.Form):
    """Make the offer that continues a course at a receiver the user's project works with
    (an agreement, a readiness checklist or an earlier handover), never anywhere else."""

    organisation = SearchModelChoiceField(
        label=_("Receiving organisation"),
        queryset=Organisation.objects.none(),
        search_fields=("name", "municipality"),
        suggest_url=reverse_lazy("bridging:continuing_offer_organisation_suggestions"),
    )
    activity_type = forms.ListedModelChoiceField(
        label=_("Activity"), queryset=ActivityType.objects.all()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.partners_of(user)
            .exclude(kind=Organisation.Kind.MUNICIPALITY)
            .order_by("name")
        )
