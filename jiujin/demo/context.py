"""What every part of the demo history shares: the frozen "today", the seed and the cast."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit
from jiujin.volunteers.models import Volunteer

# History (visits, calls, health, pairings) is written for at most this many cadres, the first generated:
# they are spread over every community, and a million-cadre benchmark set stays a matter of minutes.
HISTORY_CADRES = 5000
YEAR = 365


@dataclass
class Demo:
    seed: int
    today: date  # read from the clock once; every date of the history is derived from it
    now: datetime
    communities: list[OrgUnit]
    workers: dict[int, User]  # community id → its worker
    cadres: list[Cadre] = field(default_factory=list)  # the cadres with a history
    volunteers: dict[int, list[Volunteer]] = field(default_factory=dict)  # community id → volunteers

    @property
    def start(self) -> date:
        return self.today - timedelta(days=YEAR)

    def rng(self, part: str) -> random.Random:
        """One stream per part, so a change in one part does not reshuffle the others."""
        return random.Random(f"{self.seed}:{part}")

    def at(self, day: date, minute_of_day: int) -> datetime:
        """An aware time on `day`, never later than now (today's history happened already)."""
        moment = timezone.make_aware(datetime.combine(day, time()) + timedelta(minutes=minute_of_day))
        return min(moment, self.now)

    def worker(self, cadre: Cadre) -> User:
        return self.workers[cadre.community_id]
