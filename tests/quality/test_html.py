"""Every page type is valid HTML for the Nu HTML checker (vnu), errors-only."""

import json
import subprocess

from tests.quality.conftest import quality_tool, system_tool


def test_every_page_type_is_valid_html(site_pages, tmp_path):
    vnu = quality_tool("vnu-jar/build/dist/vnu.jar")
    files = {}
    for number, page in enumerate(site_pages):
        path = tmp_path / f"page-{number:03}.html"
        path.write_text(page.html, encoding="utf-8")
        files[path.name] = page
    # One Java process for all the pages: starting the JVM costs more than checking a page.
    checked = subprocess.run(
        [system_tool("java"), "-jar", str(vnu), "--errors-only", "--format", "json"]
        + [str(tmp_path / name) for name in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(checked.stderr)["messages"]
    problems = [
        f"{files[message['url'].rsplit('/', 1)[-1]].label}, line {message.get('lastLine', '?')}: "
        f"{message['message']} [{message.get('extract', '').strip()}]"
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)
    assert len(files) >= 100  # every page type, each role, both languages
