"""`bench report` opened in headless Chromium (Debian packages chromium + chromium-driver, driven by selenium):
the table is there, a header click sorts it, injected label names render as text and never run."""
import shutil
import tempfile

import pytest
from click.testing import CliRunner

import reports_models
from benchmark.cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="needs Debian packages chromium and chromium-driver (apt-get install -y "
                                       "chromium chromium-driver)")


def invoke(*args):
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture
def site(home, data_dir, tmp_path):
    reports_models.register()
    try:
        invoke("run", "--dataset", "xss-emotions", "--limit", "300", "-q")
        for c in ("1", "4"):
            invoke("run", "--dataset", "goemotions", "--taxonomy", "ekman", "--limit", "300", "--model-param",
                   f"C={c}", "-q")
        invoke("report", "--out", str(tmp_path / "site"))
    finally:
        reports_models.unregister()
    return tmp_path / "site" / "index.html"


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium (the dev extra)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1300,1800", f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path)}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(DRIVER))
    yield driver
    driver.quit()


def column(driver, table, j):
    return [tr.find_elements("css selector", "td")[j].text
            for tr in table.find_elements("css selector", "tbody tr")]


def test_report_in_headless_chromium(site, browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    page = site.read_text()
    assert reports_models.XSS_LABEL not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert reports_models.XSS_LABEL2 not in page
    browser.get(site.as_uri())
    # the leaderboard table is present
    table = browser.find_element("css selector", "#leaderboard + p + table")
    headers = [th.text for th in table.find_elements("css selector", "thead th")]
    assert "macro_f1" in headers and "params" in headers
    rows = table.find_elements("css selector", "tbody tr")
    assert len(rows) == 3
    # clicking a header reorders the rows: params ascending puts the xss run (no params) first
    j = headers.index("params")
    before = column(browser, table, j)
    table.find_elements("css selector", "thead th")[j].click()
    asc = column(browser, table, j)
    assert asc == sorted(before) and asc != before
    table.find_elements("css selector", "thead th")[j].click()
    assert column(browser, table, j) == sorted(before, reverse=True)
    # numeric sort on macro_f1
    m = headers.index("macro_f1")
    table.find_elements("css selector", "thead th")[m].click()
    vals = [float(v) for v in column(browser, table, m)]
    assert vals == sorted(vals)
    # injected label names show as text and never execute
    text = browser.find_element("tag name", "body").text
    assert reports_models.XSS_LABEL in text and reports_models.XSS_LABEL2 in text
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    # the dataset filter hides other datasets' rows
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "f-dataset")).select_by_value("xss-emotions")
    visible = [tr for tr in table.find_elements("css selector", "tbody tr") if tr.is_displayed()]
    assert len(visible) == 1 and "xss-emotions" in visible[0].text
    # figures are inlined images that loaded from data: URIs
    loaded = browser.execute_script(
        "return Array.from(document.images).map(i => i.complete && i.naturalWidth > 0 && i.src.startsWith('data:'))")
    assert loaded and all(loaded)
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
