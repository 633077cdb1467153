from django.core.management.base import BaseCommand

from chorus.apps.places.actions import load_places
from chorus.geo.places import SEED_LOCAL_AUTHORITIES


class Command(BaseCommand):
    help = "Load local authorities, their 2025 wards and 2011 LSOAs with IMD 2019 deprivation."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", default=list(SEED_LOCAL_AUTHORITIES), help="LAD codes")

    def handle(self, *args, codes, **options):
        report = load_places(codes, by=None)  # the command line has no signed-in person
        for line in report:
            self.stdout.write(self.style.WARNING(line))
        self.stdout.write(f"Loaded {len(codes)} local authorities; {len(report)} boundary notes above.")
