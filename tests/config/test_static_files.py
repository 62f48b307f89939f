"""Static files on a council's servers: collected under hashed names with a
manifest (config/storage.py), every reference between them rewritten to the
hashed names, pages linking to the hashed names, and WhiteNoise serving those
with a year's caching. Collected once, with the production settings, in a
process of its own."""

import json
import os
import re
import subprocess
import sys

import pytest

from .servers import ROOT, production_env

BUILT = ROOT / "static" / "dist" / "app.css"

RENDER_A_PAGE = """
import json, django
django.setup()
from django.test import Client
client = Client()
page = client.get("/accessibility/")
script = page.content.decode().split('<script type="module" src="')[1].split('"')[0]
served = client.get(script)
print(json.dumps({
    "status": page.status_code,
    "html": page.content.decode(),
    "script": script,
    "script_status": served.status_code,
    "script_cache": served.get("Cache-Control", ""),
}))
"""


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    if not BUILT.is_file():
        reason = "the styles are not built (run `make assets`)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    static_root = tmp_path_factory.mktemp("static-root")
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.config.static_settings",
        STATIC_ROOT_FOR_TEST=static_root,
        DATABASE_URL=f"sqlite:///{static_root.parent / 'static-test.sqlite3'}",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root, env


def manifest(static_root):
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def test_every_file_has_a_hashed_copy_named_in_the_manifest(collected):
    static_root, _ = collected
    paths = manifest(static_root)
    for name in ("dist/app.css", "js/app.js", "dist/govuk-frontend.min.js"):
        hashed = paths[name]
        stem, suffix = name.rsplit(".", 1)
        assert re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{suffix}", hashed), hashed
        assert (static_root / hashed).is_file()
        # Compressed copies, which WhiteNoise sends to browsers that accept them.
        assert (static_root / f"{hashed}.gz").is_file()
        assert (static_root / f"{hashed}.br").is_file()


def test_the_script_imports_govuk_frontend_under_its_hashed_name(collected):
    static_root, _ = collected
    paths = manifest(static_root)
    script = (static_root / paths["js/app.js"]).read_text()
    imports = re.findall(r"""import\s.*?\sfrom\s+["']([^"']+)["']""", script)
    assert imports == [f"/static/{paths['dist/govuk-frontend.min.js']}"]
    for url in imports:
        assert (static_root / url.removeprefix("/static/")).is_file()


def test_the_styles_refer_to_images_under_their_hashed_names(collected):
    static_root, _ = collected
    paths = manifest(static_root)
    styles = (static_root / paths["dist/app.css"]).read_text()
    urls = set(re.findall(r"""url\(["']?([^"')]+)["']?\)""", styles))
    assert urls
    for url in urls:
        name = url.removeprefix("/static/")
        assert name in paths.values(), f"{url} is not a hashed name"
        assert (static_root / name).is_file()


def test_pages_link_the_hashed_names_and_whitenoise_serves_them_for_a_year(collected):
    static_root, env = collected
    paths = manifest(static_root)
    result = subprocess.run(
        [sys.executable, "-c", RENDER_A_PAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rendered = json.loads(result.stdout.splitlines()[-1])
    assert rendered["status"] == 200
    for name in ("dist/app.css", "js/app.js", "js/js-enabled.js"):
        assert f'"/static/{paths[name]}"' in rendered["html"]
        assert f'"/static/{name}"' not in rendered["html"]
    assert rendered["script"] == f"/static/{paths['js/app.js']}"
    assert rendered["script_status"] == 200
    assert "max-age=315360000" in rendered["script_cache"]
    assert "immutable" in rendered["script_cache"]
