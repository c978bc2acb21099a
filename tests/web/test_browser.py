"""The page in real headless Chromium (Debian's chromium + chromium-driver, via Selenium):
upload a paper with the file picker, wait for the review, check the hidden-instruction banner,
the comments and their page images, labels on every control; screenshots go to build/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .serving import REPO, Served

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
if not (CHROMIUM.exists() and DRIVER.exists()):
    pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
                "/usr/bin/chromedriver): `make test` installs them with apt-get where it can",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                "(pip install 'paperreview[dev]')")


@pytest.fixture
def browser(tmp_path):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,1600",
                 f"--user-data-dir={tmp_path / 'chrome-profile'}"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()
    shutil.rmtree(tmp_path / "chrome-profile", ignore_errors=True)


@pytest.mark.slow
def test_upload_in_chromium_shows_banner_and_comments(browser, tmp_path, sample_pdf):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    srv = Served(tmp_path / "data", tmp_path / "serve.log", "--workers", "1").start()
    out = REPO / "build"
    out.mkdir(exist_ok=True)
    try:
        browser.get(srv.url + "/")
        wait = WebDriverWait(browser, 90)
        wait.until(lambda d: len(Select(d.find_element(By.ID, "template")).options) > 1)
        venue = Select(browser.find_element(By.ID, "venue")).first_selected_option
        assert venue.get_attribute("value") == "generic"  # no venue's rules unless chosen
        for ctl in browser.find_elements(By.CSS_SELECTOR, "input, select, textarea"):
            cid = ctl.get_attribute("id")
            assert cid and browser.find_elements(By.CSS_SELECTOR, f"label[for='{cid}']"), \
                f"control {cid or ctl.get_attribute('name')} has no label"
        browser.find_element(By.ID, "file").send_keys(str(sample_pdf))
        assert "sample-paper.pdf" in browser.find_element(By.ID, "chosen").text
        browser.save_screenshot(str(out / "web-upload.png"))
        browser.find_element(By.ID, "submit").click()
        wait.until(ec.url_contains("/reviews/"))
        wait.until(ec.visibility_of_element_located((By.ID, "result")))
        banner = browser.find_element(By.ID, "banner")
        assert banner.is_displayed() and "Hidden" in banner.text
        cards = browser.find_elements(By.CSS_SELECTOR, "#comments article.comment")
        assert cards, "no comment rendered"
        job_id = browser.current_url.rstrip("/").rsplit("/", 1)[-1]
        import httpx

        review = httpx.get(f"{srv.url}/api/v1/reviews/{job_id}").json()["review"]
        page_text = browser.find_element(By.ID, "comments").text
        for c in review["comments"]:
            assert c["text"] in page_text
        imgs = browser.find_elements(By.CSS_SELECTOR, "#comments img.thumb")
        assert imgs and all(browser.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", i) for i in imgs)
        links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")]
        assert any("JSON" in t for t in links) and any("Markdown" in t for t in links)
        browser.save_screenshot(str(out / "web-review.png"))
        # nothing but this server was asked for anything (no CDN), and no script error
        hosts = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).host)")
        assert set(hosts) <= {f"127.0.0.1:{srv.port}"}, hosts
        # the API reference: Swagger UI from local files, rendered under the page's CSP
        browser.get(srv.url + "/docs")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"))
        paths = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")]
        assert any("/api/v1/reviews" in p for p in paths), paths
        browser.save_screenshot(str(out / "web-docs.png"))
        hosts = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).host)")
        assert set(hosts) <= {f"127.0.0.1:{srv.port}"}, hosts
    finally:
        srv.stop()


@pytest.mark.slow
def test_suggest_titles_and_keywords_in_chromium(browser, tmp_path):
    pytest.importorskip("yake", reason="the tasks extra is not installed")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    srv = Served(tmp_path / "data", tmp_path / "serve.log", "--workers", "1").start()
    out = REPO / "build"
    out.mkdir(exist_ok=True)
    try:
        browser.get(srv.url + "/")
        box = browser.find_element(By.ID, "abstract")
        box.send_keys("We introduce a graph neural network for molecular property prediction. "
                      "Pretraining on unlabeled molecules improves accuracy on eight benchmarks.")
        browser.find_element(By.ID, "suggest-submit").click()
        WebDriverWait(browser, 60).until(
            ec.visibility_of_element_located((By.ID, "suggest-result")))
        titles = browser.find_elements(By.CSS_SELECTOR, "#titles li")
        assert titles and "graph neural network" in titles[0].text
        assert browser.find_element(By.ID, "keywords").text.strip()
        browser.find_element(By.ID, "suggest").location_once_scrolled_into_view  # noqa: B018
        browser.save_screenshot(str(out / "web-suggest.png"))
    finally:
        srv.stop()
