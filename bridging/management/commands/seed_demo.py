"""Demo data a newcomer can click through: `python manage.py seed_demo`.

The story itself is told chapter by chapter in `bridging/demo/`. Running it again changes
nothing. The demo users (password "demo") are never created in production mode.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from bridging import demo
from partnerships.models import Organisation


class Command(BaseCommand):
    help = "Create or refresh the demo data (organisations and demo users with password 'demo')."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has organisations.",
        )

    def handle(self, *args, if_empty=False, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database already has data; demo data left as it is.")
            return
        # The demo's handovers would notify the invented people by email: send none of it.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            demo.build()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(
            "Log in as koordinator, instruktor, koege, forening or boligsocial, password 'demo'."
        )
