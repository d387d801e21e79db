"""A password validator for AUTH_PASSWORD_VALIDATORS: letters, digits and symbols (GB/T 22239 level 3)."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

KINDS = ("letter", "digit", "symbol")


def character_kinds(password: str) -> set[str]:
    """Which of letters, digits and symbols (anything else, a space included) the password has."""
    return {"letter" if char.isalpha() else "digit" if char.isdigit() else "symbol" for char in password}


class CharacterKindsValidator:
    """Every new password mixes letters, digits and symbols, wherever it is set (sign-up, reset, admin)."""

    def validate(self, password, user=None):
        missing = [kind for kind in KINDS if kind not in character_kinds(password)]
        if missing:
            names = {"letter": pgettext("password", "letters"), "digit": pgettext("password", "digits"),
                     "symbol": pgettext("password", "symbols")}
            raise ValidationError(
                _("The password needs letters, digits and symbols (such as - _ ! @ #); it has no %(missing)s.")
                % {"missing": pgettext("list separator", ", ").join(names[kind] for kind in missing)},
                code="password_character_kinds",
            )

    def get_help_text(self):
        return _("Your password must contain letters, digits and symbols (such as - _ ! @ #).")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message of our own: Django 5.2's Chinese catalogue misses its new wording."""

    def get_error_message(self):
        return ngettext("The password is too short: it needs at least %(min_length)d character.",
                        "The password is too short: it needs at least %(min_length)d characters.",
                        self.min_length) % {"min_length": self.min_length}
