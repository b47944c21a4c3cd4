#!/usr/bin/env python3
"""Runs the examples' web pages in headless browsers and collects their verdicts.

    tests/browser/install.sh                      # chromium and firefox-esr (Debian)
    tests/browser/run.py [options] [PAGE ...]     # default: every examples/*/web/index.html

Convention for a page (examples/<name>/web/index.html):

- The harness serves the repository root on 127.0.0.1 (a free port), so a
  page fetches what it needs by relative URL, e.g. the module that
  examples/<name>/build.sh writes to .build/examples/<name>/. Before the
  pages run, the harness runs the build.sh of each page's example (unless
  --no-build).
- The harness opens the page with `?run=<id>` added to its URL. The page
  reports its outcome once, by POSTing the JSON {"ok": true|false,
  "detail": "one line"} to "/result" + location.search (a POST without
  the query counts for the page being run). It reports failures too
  (a module that does not load, a thrown error); a page that reports
  nothing within --timeout seconds fails.
- Everything is served same-origin and cross-origin isolated (COOP and
  COEP headers), so pages can create shared memories.
- The outcome is the page's own check: compute the expected answer
  independently of the module (e.g. with the browser's btoa) and compare.

Output: one line per page and browser (PASS or FAIL, the browser's version,
the page, its detail), then "N passed, M failed"; exit status 1 if any
failed. A browser that is not installed or cannot be started is skipped
with a line starting with "SKIP:"; if no browser can run, the harness
prints only those lines and exits 0.

Python 3 standard library only.
"""

import argparse
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A module with two memories is valid only where multi-memory is supported.
TWO_MEMORIES = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x05, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00]

# Served at /__probe__: shows that the browser starts, runs scripts and can
# report, before any page's verdict is trusted to mean something.
PROBE_PAGE = f"""<!doctype html><meta charset="utf-8"><script>
const multiMemory = WebAssembly.validate(new Uint8Array({TWO_MEMORIES}));
fetch('/result' + location.search, {{method: 'POST', body: JSON.stringify(
  {{ok: true, detail: (multiMemory ? 'multi-memory' : 'no multi-memory') + ' | ' + navigator.userAgent}})}});
</script>"""


class Browser:
    """How to start one browser headless on one URL, with a fresh profile."""

    def __init__(self, name, executables):
        self.name = name
        self.executable = next((shutil.which(e) for e in executables if shutil.which(e)), None)
        self.missing = " or ".join(executables)
        self.version = ""

    def command(self, url, profile):
        raise NotImplementedError

    def environment(self):
        return dict(os.environ)


class Chromium(Browser):
    def __init__(self):
        super().__init__("chromium", ["chromium", "chromium-browser"])

    def command(self, url, profile):
        # --no-sandbox: Chromium's sandbox cannot run as root. The
        # --disable-* flags keep it from contacting services on its own.
        return [self.executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-crash-reporter",
                f"--user-data-dir={profile}", url]


class Firefox(Browser):
    # Preferences for the fresh profile: no first-run pages, and nothing
    # that contacts services on its own.
    PREFERENCES = {
        "browser.shell.checkDefaultBrowser": False,
        "browser.aboutwelcome.enabled": False,
        "browser.startup.homepage_override.mstone": "ignore",
        "datareporting.policy.dataSubmissionEnabled": False,
        "datareporting.healthreport.uploadEnabled": False,
        "toolkit.telemetry.enabled": False,
        "app.update.auto": False,
        "app.normandy.enabled": False,
        "extensions.update.enabled": False,
        "browser.safebrowsing.malware.enabled": False,
        "browser.safebrowsing.phishing.enabled": False,
        "network.captive-portal-service.enabled": False,
        "network.connectivity-service.enabled": False,
        "browser.newtabpage.enabled": False,
    }

    def __init__(self):
        super().__init__("firefox", ["firefox-esr", "firefox"])

    def command(self, url, profile):
        with open(Path(profile) / "user.js", "w") as f:
            for key, value in self.PREFERENCES.items():
                f.write(f"user_pref({json.dumps(key)}, {json.dumps(value)});\n")
        return [self.executable, "--headless", "--new-instance", "--profile", str(profile), url]

    def environment(self):
        return dict(os.environ, MOZ_HEADLESS="1")


BROWSERS = {"chromium": Chromium, "firefox": Firefox}


class Results:
    """Verdicts POSTed to /result, by run id."""

    def __init__(self):
        self.lock = threading.Condition()
        self.current = None
        self.verdicts = {}

    def post(self, run, verdict):
        with self.lock:
            self.verdicts.setdefault(run or self.current, verdict)
            self.lock.notify_all()

    def wait(self, run, process, timeout):
        """The verdict of run `run`, or a failure if the browser exits or the time is up."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while run not in self.verdicts:
                if process.poll() is not None:
                    return {"ok": False, "detail": f"the browser exited (status {process.returncode}) before the page reported",
                            "unreported": True}
                left = deadline - time.monotonic()
                if left <= 0:
                    return {"ok": False, "detail": f"no result within {timeout:g} s", "unreported": True}
                self.lock.wait(min(left, 0.2))
            return self.verdicts[run]


def make_handler(results):
    class Handler(http.server.SimpleHTTPRequestHandler):
        # Module scripts and instantiateStreaming need these types.
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript"}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(ROOT), **kwargs)

        def do_GET(self):
            if urllib.parse.urlsplit(self.path).path == "/__probe__":
                body = PROBE_PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/result":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                posted = json.loads(body)
                verdict = {"ok": posted.get("ok") is True, "detail": str(posted.get("detail", ""))}
            except (ValueError, AttributeError):
                verdict = {"ok": False, "detail": f"the page posted something that is not a JSON object: {body[:200]!r}"}
            run = urllib.parse.parse_qs(url.query).get("run", [None])[0]
            results.post(run, verdict)
            self.send_response(204)
            self.end_headers()

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            # Cross-origin isolation: browsers give pages shared memories
            # (SharedArrayBuffer, shared WebAssembly.Memory) only with it.
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            super().end_headers()

        def log_message(self, *args):
            pass

    return Handler


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that is stopped after its verdict drops the connections
        # it still has open (a favicon request, say): not the page's error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Session:
    """The server and the runs of pages in browsers."""

    def __init__(self, timeout):
        self.results = Results()
        self.server = Server(("127.0.0.1", 0), make_handler(self.results))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.timeout = timeout
        self.runs = 0

    def open(self, browser, path, timeout=None):
        """Opens base/path in `browser`; returns its verdict and the tail of its error output."""
        self.runs += 1
        run = str(self.runs)
        separator = "&" if "?" in path else "?"
        url = f"{self.base}/{path}{separator}run={run}"
        with tempfile.TemporaryDirectory(prefix=f"browser-{browser.name}-") as profile, \
                tempfile.TemporaryFile() as log:
            with self.results.lock:
                self.results.current = run
            process = subprocess.Popen(browser.command(url, profile), stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=log, env=browser.environment(), start_new_session=True)
            try:
                verdict = self.results.wait(run, process, timeout or self.timeout)
            finally:
                stop(process)
            log.seek(0)
            tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
        return verdict, " | ".join(tail)


def stop(process):
    """Ends the browser and the processes it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            pass
    # Helpers that outlived the browser itself.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def version_of(browser):
    try:
        out = subprocess.run([browser.executable, "--version"], capture_output=True, text=True, timeout=30,
                             env=browser.environment())
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "version unknown"
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "version unknown"


def pages_from(arguments):
    if not arguments:
        return sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("examples/*/web/index.html"))
    pages = []
    for argument in arguments:
        path = Path(argument).resolve()
        if not path.is_file() or ROOT not in path.parents:
            sys.exit(f"run.py: {argument}: not a file in the repository")
        pages.append(path.relative_to(ROOT).as_posix())
    return pages


def build(page):
    """Runs the build.sh of the page's example, if it has one; returns an error or None."""
    parts = Path(page).parts
    if len(parts) < 2 or parts[0] != "examples":
        return None
    script = ROOT / "examples" / parts[1] / "build.sh"
    if not script.exists():
        return None
    done = subprocess.run(["bash", str(script)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        return f"{script.relative_to(ROOT)} failed: {(done.stderr or done.stdout).strip()[-500:]}"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="pages to open (default: every examples/*/web/index.html)")
    parser.add_argument("--browser", choices=["all", *BROWSERS], default="all")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a page has to report (default 60)")
    parser.add_argument("--no-build", action="store_true", help="do not run the examples' build.sh first")
    args = parser.parse_args()

    pages = pages_from(args.pages)
    if not pages:
        sys.exit("run.py: no pages (examples/*/web/index.html)")
    build_errors = {} if args.no_build else {page: build(page) for page in pages}

    session = Session(args.timeout)
    browsers = []
    for name in BROWSERS if args.browser == "all" else [args.browser]:
        browser = BROWSERS[name]()
        if browser.executable is None:
            print(f"SKIP: {name}: {browser.missing} is not installed (tests/browser/install.sh installs it)")
            continue
        browser.version = version_of(browser)
        probe, log = session.open(browser, "__probe__", timeout=min(args.timeout, 60))
        if not probe["ok"]:
            print(f"SKIP: {name}: {browser.executable} ({browser.version}) cannot be started headless: "
                  f"{probe['detail']}; its output: {log or 'none'}")
            continue
        features = probe["detail"].split(" | ")[0]
        print(f"{browser.version}: starts headless, {features}")
        browsers.append(browser)
    if not browsers:
        return 0

    passed = failed = 0
    for browser in browsers:
        for page in pages:
            if build_errors.get(page):
                verdict = {"ok": False, "detail": build_errors[page]}
            else:
                verdict, log = session.open(browser, page)
                if verdict.get("unreported") and log:
                    verdict["detail"] += f" (browser output: {log})"
            passed += verdict["ok"]
            failed += not verdict["ok"]
            print(f"{'PASS' if verdict['ok'] else 'FAIL'} {browser.name} {page}: {verdict['detail']}", flush=True)
    session.server.shutdown()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
