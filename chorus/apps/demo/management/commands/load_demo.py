from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chorus.apps.demo.loader import SEED, demo_password, load_demo, sign_ins
from chorus.demo.fft import default_data_dir, fft_path


class Command(BaseCommand):
    help = "Load the Chorus demo (places, programmes, people, voices, NHS FFT comments); print sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument(
            "--data",
            type=Path,
            default=default_data_dir(),
            help="Folder holding feedback/nhs_fft_dev.csv or .csv.gz (default: the copy shipped with Chorus)",
        )
        parser.add_argument(
            "--force", action="store_true", help="Allow loading demo people outside local http"
        )

    def handle(self, *args, seed, data, force, **options):
        if not (settings.LOCAL_HTTP or force):
            raise CommandError(
                "The demo creates people with a published password: run it locally "
                "(CHORUS_LOCAL_HTTP=1 or DEBUG=1), or pass --force if you mean it."
            )
        if fft_path(data) is None:
            raise CommandError(f"NHS FFT comments not found under {data}; pass --data FOLDER")
        loaded = load_demo(data, seed=seed, out=self.stdout.write)
        if not loaded:
            self.stdout.write("The demo data is already loaded.")
        self.stdout.write(f"\nDemo sign-ins (password for all: {demo_password()}):")
        for username, role in sign_ins():
            self.stdout.write(f"  {username:<20} {role}")
