"""Log in with a username or a mobile number (the form's 联系电话（手机号码） doubles as a login name)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from wuxiao.common.validators import is_mobile, normalize_mobile


def find_user_by_login(login: str):
    """The user whose username is `login` (in any case), else the one whose mobile it is (+86 and spaces allowed)."""
    User = get_user_model()
    login = (login or "").strip()
    if not login:
        return None
    users = User._default_manager
    user = users.filter(username=login).first()
    if user is None:
        # Usernames are unique regardless of case (sign-up and invitations check so); an older
        # pair differing only in case is ambiguous and needs the exact spelling.
        same = list(users.filter(username__iexact=login)[:2])
        user = same[0] if len(same) == 1 else None
    if user is None and is_mobile(login):
        user = users.filter(mobile=normalize_mobile(login)).first()
    return user


class MobileOrUsernameBackend(ModelBackend):
    """ModelBackend that also accepts the mobile number as the login name; inactive users are refused."""

    def authenticate(self, request, username=None, password=None, account=None, **kwargs):
        """`account`: the user `username` names, when the caller has looked it up already (the login
        throttle does, accounts.services.authenticate_login); None means: look it up here."""
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = account if account is not None else find_user_by_login(username)
        if user is None:
            # Hash anyway so that an unknown name takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
