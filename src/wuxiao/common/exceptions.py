"""The one refusal of every stage: a domain rule says no, in the user's language.

Services raise `Refused(message, field)`; pages show it beside `field` (common.forms.show_refusal),
and the API turns it into one JSON answer (wuxiao.api). `field` names the input the message
belongs to, or is None for the form as a whole.
"""


class Refused(Exception):
    """A write that may not happen now; `message` says why, `field` the input it belongs to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class InvalidInput(Refused):
    """Input that failed its form: `errors` maps each input's name to its messages (the API answers 422)."""

    def __init__(self, errors: dict[str, list[str]], message=None):
        super().__init__(message or "；".join(" ".join(messages) for messages in errors.values()),
                         field=next(iter(errors), None))
        self.errors = errors
