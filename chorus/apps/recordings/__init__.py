"""Recorded conversations: uploaded or recorded in the browser, transcribed here in the background, redacted,
and stored as contributions; the audio is deleted or kept encrypted per the programme's retention setting."""
