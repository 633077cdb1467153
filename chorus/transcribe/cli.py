"""`chorus transcribe FILE`: print the redacted transcript of one recording.

Exit status 0 with the transcript on stdout (one line per stretch of speech; --timestamps prefixes each with
its start and end), 2 with a message on stderr when the recording is missing, unreadable, empty or silent.
"""

from __future__ import annotations

import argparse
import sys

EXIT_BAD_AUDIO = 2


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{int(minutes):02d}:{seconds:04.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="chorus transcribe",
        description="Transcribe a recorded conversation here; print it with personal data redacted.",
    )
    parser.add_argument("file", help="the recording: wav, mp3, m4a, ogg, webm or flac")
    parser.add_argument(
        "--timestamps", action="store_true", help="start each line with its [start - end] time"
    )
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for the speech model (default 1)")
    args = parser.parse_args(argv)

    from chorus.transcribe.audio import AudioError
    from chorus.transcribe.transcript import transcribe
    from chorus.transcribe.whisper import ModelError

    try:
        transcript = transcribe(args.file, threads=max(1, args.threads))
    except AudioError as error:
        print(f"chorus transcribe: {error}", file=sys.stderr)
        return EXIT_BAD_AUDIO
    except ModelError as error:
        print(f"chorus transcribe: {error}", file=sys.stderr)
        return 1
    if not transcript.segments:
        print(f"chorus transcribe: no speech was recognised in {args.file}.", file=sys.stderr)
        return EXIT_BAD_AUDIO
    for segment in transcript.segments:
        prefix = f"[{_clock(segment.start)} - {_clock(segment.end)}] " if args.timestamps else ""
        print(prefix + segment.text)
    return 0
