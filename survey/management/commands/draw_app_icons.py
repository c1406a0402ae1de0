"""Draw the offline app's PNG icons from static/img/app-icon.svg (run after changing it).

Phones install a web app from PNG icons of 192 and 512 pixels; the SVG stays the source.
Chromium draws them, through Playwright (a test dependency), so nothing new is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SIZES = (192, 512)


class Command(BaseCommand):
    help = "Draw static/img/app-icon-192.png and -512.png from static/img/app-icon.svg."

    def handle(self, *args, **options) -> None:
        from playwright.sync_api import sync_playwright

        folder = Path(settings.BASE_DIR) / "static" / "img"
        svg = (folder / "app-icon.svg").read_text(encoding="utf-8")
        chromium = shutil.which("chromium")
        if chromium is None:
            raise CommandError("Chromium is not installed (python3 dev.py install).")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for size in SIZES:
                page = browser.new_page(viewport={"width": size, "height": size})
                sized = svg.replace("<svg", f'<svg style="display:block;width:{size}px"', 1)
                page.set_content(f'<html><body style="margin:0">{sized}</body></html>')
                page.screenshot(path=str(folder / f"app-icon-{size}.png"))
                self.stdout.write(f"app-icon-{size}.png")
            browser.close()
