"""Who may call the API. Reads follow the documents' visibility rule (selectors); anonymous
reading at all is a setting (``MIGRALEX_ANONYMOUS_READ``, on in the demo); writes need a
signed-in user with the right role."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission

from migralex.web.permissions import can_upload, is_analyst


class ReadOrRole(BasePermission):
    """Safe methods: anyone when anonymous reading is on, else signed-in users. Writes: the
    view's ``write_check`` (a function of the user), signed-in users by default."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return bool(settings.ANONYMOUS_READ or request.user.is_authenticated)
        check = getattr(view, "write_check", None)
        if not request.user.is_authenticated:
            return False
        return bool(check(request.user)) if check else True


def analysts_only(user) -> bool:
    return is_analyst(user)


def uploaders_only(user) -> bool:
    return can_upload(user)
