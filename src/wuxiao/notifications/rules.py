"""Who may read a notification and who may edit the notifications' texts."""

import rules

from wuxiao.accounts.rules import is_committee


@rules.predicate
def is_recipient(user, notification) -> bool:
    return bool(notification is not None and user.is_authenticated and notification.user_id == user.pk)


rules.add_perm("notifications.view_own", rules.is_authenticated)
rules.add_perm("notifications.read_notification", is_recipient)
rules.add_perm("notifications.edit_templates", is_committee)
