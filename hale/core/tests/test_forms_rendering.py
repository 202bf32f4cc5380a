"""The Python-built <select> is the markup Django's own templates make."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from hale.core.forms_rendering import Renderer, render_select

CHOICES = [
    ("", "Any"),
    ("es", "Español"),
    ('a"<b>&', 'Tricky <b> & "quotes"'),
    ("Group", [("x", "Ex"), ("y", "Why")]),
    (3, "Three"),
]


class Sample(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    styled = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(attrs={"class": "a<b", "data-x": True, "hidden": False}),
    )
    flag = forms.NullBooleanField()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"one": "es", "many": ["x", 'a"<b>&'], "styled": "3", "flag": "true"},
        {"one": "nope", "styled": ""},
    ],
)
def test_select_markup_matches_django_templates(data):
    ours, theirs = Sample(data, renderer=Renderer()), Sample(data, renderer=DjangoTemplates())
    if data:
        ours.is_valid()
        theirs.is_valid()
    for name in ("one", "many", "styled", "flag"):
        assert str(ours[name]) == str(theirs[name]), name
    assert "selected" in str(ours["one"]) or data is None or data["one"] == "nope"


def test_escapes_values_and_labels():
    html = str(Sample(renderer=Renderer())["one"])
    assert (
        '<option value="a&quot;&lt;b&gt;&amp;">Tricky &lt;b&gt; &amp; &quot;quotes&quot;</option>'
        in html
    )
    assert '<optgroup label="Group">' in html


def test_an_option_with_its_own_template_falls_back():
    widget = forms.Select(choices=[("a", "A")]).get_context("f", "a", {})["widget"]
    widget["optgroups"][0][1][0]["template_name"] = "custom/option.html"
    assert render_select(widget) is None


def test_the_project_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    assert isinstance(get_default_renderer(), Renderer)
