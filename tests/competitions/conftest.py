import datetime as dt

import pytest

from wuxiao.competitions import services

ROLES = ["declarer", "recommender", "committee", "expert", "site_admin", "outsider", "anonymous"]
MANAGERS = {"committee", "site_admin"}


@pytest.fixture
def zhengzhou(db):
    """The real 2025 edition, exactly as the notice fixes it."""
    return services.create_zhengzhou_2025()


@pytest.fixture
def login(client, request):
    """Log the client in as one of the roles of tests/conftest.py ("anonymous" stays logged out)."""

    def _login(role: str):
        if role == "anonymous":
            return None
        user = request.getfixturevalue(role)
        client.force_login(user)
        return user

    return _login


def form_data(form) -> dict:
    """What the browser sends back for an unbound form or formset when nothing is changed."""
    data = {}
    forms = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
    for f in forms:
        for name, field in f.fields.items():
            value = f[name].value()
            if value is None or value is False or value == "":
                continue
            if value is True:
                value = "on"
            elif isinstance(value, (dt.date, dt.datetime)):
                value = field.widget.format_value(value)
            elif hasattr(value, "pk"):
                value = value.pk
            data[f.add_prefix(name)] = value
    return data
