"""The user's profile as one turn sees it in the store: read on first use, written back only if it changed."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from skill.core.profile import Profile
from skill.stores.sqlite import LOST, REVISION


class StoredProfile:
    """Reads the profile the first time a handler needs it (a turn that never does costs no read) and remembers
    what it read, with the revision, so that `changes` knows whether there is anything to save."""

    def __init__(self, read: Callable[[], Mapping[str, Any]]):
        self._read = read  # the stored attributes, with REVISION among them
        self._profile: Profile | None = None
        self._as_read: dict[str, Any] | None = None
        self._revision = 0
        self._lost = False

    @property
    def profile(self) -> Profile:
        if self._profile is None:
            stored = dict(self._read())
            self._revision = stored.pop(REVISION, 0)
            self._lost = bool(stored.pop(LOST, False))
            self._as_read = stored
            self._profile = Profile.from_attributes(stored)
        return self._profile

    @property
    def lost(self) -> bool:
        """Whether the store had this user's profile but could not give it (skill.stores.sqlite.LOST): the empty
        profile read then knows nothing of, say, a device timer the lost one named."""
        self.profile
        return self._lost

    def changes(self) -> dict[str, Any] | None:
        """The profile to save, or None when it was never read or did not change. It carries the revision it was
        read at, so the store refuses it if another request saved in between (the turn then runs again)."""
        if self._profile is None:
            return None
        current = self._profile.to_attributes()
        return None if current == self._as_read else {**current, REVISION: self._revision}
