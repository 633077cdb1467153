"""What engagement tells the apps built on it when residents take their words back.

Engagement sits below publishing, coding and maps (they import it, never the other way), so it cannot call
them; it announces the change and each of them connects its own action in its AppConfig.ready. Both are sent
inside the withdrawing (or erasing) transaction, so a receiver that fails undoes the whole withdrawal.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent before anything changes, so receivers still find the contributions and what was made from them.
# Arguments: contribution_ids (list[int]), scope ("analysis", "quote", "open_data" or "recontact";
# erasing a resident sends "analysis"), reason (words for the audit log, never the resident's), by.
consent_withdrawn = Signal()

# Sent after residents' words were deleted from a programme (analysis consent withdrawn, a resident erased).
# Arguments: programme, by.
words_erased = Signal()

# Sent when a resident who agreed to be contacted gave an email address or mobile number to hear back,
# inside the recording transaction. Engagement keeps no contact details itself: the imports app keeps them,
# encrypted, on the resident's pseudonymous participant.
# Arguments: contribution, contact (chorus.privacy.contact.Contact), by.
hearing_back_requested = Signal()
