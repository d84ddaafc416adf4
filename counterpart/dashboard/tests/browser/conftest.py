"""The browser fixtures (browser, page, phone_page, sign_in, screenshot) are the shared plugin
counterpart/testing/browser.py, which the root conftest.py loads."""
