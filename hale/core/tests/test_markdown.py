import pytest

from hale.core.markdown import render_markdown


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("Hello <script>alert('x')</script> there", ["<script", "alert("]),
        ('<img src="x.png" onerror="alert(1)">', ["onerror", "alert("]),
        ("[click me](javascript:alert(1))", ["javascript:", "alert("]),
        ("[click me](JaVaScRiPt:alert(1))", ["javascript:", "alert("]),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', ["ascript:", "alert("]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
        ('<p style="position:fixed" onclick="steal()">hi</p>', ["style=", "onclick", "steal"]),
        ("<svg><script>alert(1)</script></svg>", ["<svg", "<script", "alert("]),
        ("![pixel](data:image/svg+xml;base64,PHN2Zz4=)", ["data:"]),
        ('<form action="https://evil.example"><input name="password"></form>', ["<form", "<input"]),
        ("<object data=x></object><embed src=y>", ["<object", "<embed"]),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden):
    html = render_markdown(source).lower()
    for needle in forbidden:
        assert needle.lower() not in html


def test_script_inside_a_code_block_is_shown_as_text():
    html = render_markdown("```\n<script>alert(1)</script>\n```")
    assert "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html


def test_links_keep_safe_addresses_and_get_a_no_follow_rel():
    html = render_markdown("[site](https://example.com/a) and [inner](/help/other/)")
    assert '<a href="https://example.com/a" rel="noopener noreferrer nofollow">site</a>' in html
    assert '<a href="/help/other/" rel="noopener noreferrer nofollow">inner</a>' in html


def test_markdown_structure_survives():
    source = "# Title\n\n**bold** and *it*\n\n1. one\n2. two\n\n| a | b |\n|:--|--:|\n| 1 | 2 |"
    html = render_markdown(source)
    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<ol>" in html and "<li>one</li>" in html
    assert '<th align="left" scope="col">a</th>' in html
    assert '<td align="right">2</td>' in html


def test_headings_start_below_the_page_title():
    html = render_markdown("# First\n\n## Second\n\n###### Deepest")
    assert "<h1" not in html
    assert "<h2>First</h2>" in html
    assert "<h3>Second</h3>" in html
    assert "<h6>Deepest</h6>" in html


def test_headings_that_already_start_at_level_two_are_kept():
    html = render_markdown("## Steps\n\n### Detail")
    assert "<h2>Steps</h2>" in html
    assert "<h3>Detail</h3>" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
