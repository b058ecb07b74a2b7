"""Calendar files (iCalendar, RFC 5545) for the gatherings and network meetings.

Written with the `icalendar` library rather than by hand: line folding at 75 octets, escaping
of commas and semicolons, and the time-zone block that makes 10.00 in Oslo stay 10.00 in any
calendar app are easy to get wrong. Times are local to Europe/Oslo (settings.TIME_ZONE); each
event's UID is stable, so importing the file again updates the event instead of copying it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, Timezone

from regional.models import Gathering, NetworkMeeting, Programme

PRODID = "-//Kulturskole//Regional programme//NB"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _add_zone(calendar: Calendar, first: dt.datetime, last: dt.datetime) -> None:
    calendar.add_component(
        Timezone.from_tzinfo(
            _zone(),
            tzid=settings.TIME_ZONE,
            first_date=dt.date(first.year, 1, 1),
            last_date=dt.date(last.year + 1, 1, 1),
        )
    )


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "kulturskole.local"


def gathering_event(gathering: Gathering, *, url: str = "", stamp: dt.datetime) -> Event:
    zone = _zone()
    event = Event()
    event.add("uid", f"gathering-{gathering.pk}@{_host()}")
    event.add("dtstamp", stamp)
    event.add("summary", f"{gathering.programme.name}: {gathering.title}")
    event.add("dtstart", dt.datetime.combine(gathering.date, gathering.starts_at, tzinfo=zone))
    event.add("dtend", dt.datetime.combine(gathering.date, gathering.ends_at, tzinfo=zone))
    event.add("location", gathering.venue)
    lines = [gathering.description] if gathering.description else []
    for session in gathering.sessions.all():
        when = f"{session.starts_at:%H:%M}–{session.ends_at:%H:%M}"
        room = f" ({session.room})" if session.room else ""
        lines.append(f"{when} {session.title}{room}")
    if lines:
        event.add("description", "\n".join(lines))
    if url:
        event.add("url", url)
    # A planned gathering may still move; once open for registration it is settled.
    event.add(
        "status", "TENTATIVE" if gathering.status == Gathering.Status.PLANNED else "CONFIRMED"
    )
    return event


def meeting_event(meeting: NetworkMeeting, *, title: str, stamp: dt.datetime) -> Event:
    zone = _zone()
    event = Event()
    event.add("uid", f"network-meeting-{meeting.pk}@{_host()}")
    event.add("dtstamp", stamp)
    event.add("summary", f"{meeting.programme.name}: {title}")
    if meeting.starts_at and meeting.ends_at:
        event.add("dtstart", dt.datetime.combine(meeting.date, meeting.starts_at, tzinfo=zone))
        event.add("dtend", dt.datetime.combine(meeting.date, meeting.ends_at, tzinfo=zone))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + dt.timedelta(days=1))
    if meeting.venue:
        event.add("location", meeting.venue)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    return event


def calendar_bytes(
    *,
    name: str,
    gatherings: Iterable[Gathering],
    meetings: Iterable[NetworkMeeting] = (),
    meeting_title: str = "",
    urls: dict[int, str] | None = None,
    stamp: dt.datetime,
) -> bytes:
    gatherings, meetings = list(gatherings), list(meetings)
    calendar = _calendar(name)
    days = [g.date for g in gatherings] + [m.date for m in meetings]
    if days:
        first = dt.datetime.combine(min(days), dt.time(), tzinfo=_zone())
        last = dt.datetime.combine(max(days), dt.time(), tzinfo=_zone())
        _add_zone(calendar, first, last)
    for gathering in gatherings:
        calendar.add_component(
            gathering_event(gathering, url=(urls or {}).get(gathering.pk, ""), stamp=stamp)
        )
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, title=meeting_title, stamp=stamp))
    return calendar.to_ical()


def programme_name(programme: Programme) -> str:
    return f"{programme.name} – {programme.region.name}"
