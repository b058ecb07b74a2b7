"""Signals other apps listen to. Enrollment never imports them; they connect in their ready()."""

from django.dispatch import Signal

# A place in an offer became free (trial withdrawal, ended place, leave, return from leave).
# Sent after commit with `offer_id`; the waitlist app offers it to the next in line.
place_freed = Signal()
