"""Checks in headless Chromium (Debian's `chromium`, driven by Playwright) of what users open in a browser:
the docs site (`docs`) and the interactive app (`ui`). Usage: python .ci/browser.py [docs] [ui]"""
import functools, http.server, socket, subprocess, sys, threading
from pathlib import Path
from urllib.parse import urlparse
from playwright.sync_api import sync_playwright

root = Path(__file__).parents[1]
shots = root/'_build/screens'
CHROMIUM = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run']

def free_port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def serve(folder):
    "A static server for `folder` on a free loopback port; returns its base URL"
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(folder))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', free_port()), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return f'http://127.0.0.1:{srv.server_port}'

def browser(p):
    return p.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM)   # Playwright gives a fresh profile

def watch(page, base):
    "Record every request the page makes that does not go to `base`"
    outside = []
    page.on('request', lambda r: outside.append(r.url) if urlparse(r.url).netloc not in ('', urlparse(base).netloc)
                                                          and not r.url.startswith(('data:', 'blob:')) else None)
    return outside

def images_loaded(page):
    "(number of <img>, number with naturalWidth 0) once the page has loaded"
    return page.evaluate("() => [document.images.length, [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length]")

def check_docs():
    html = root/'_build/html'
    assert (html/'index.html').exists(), "no _build/html: run `make docs` first"
    base = serve(html); shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = browser(p); page = b.new_page(viewport={'width': 1280, 'height': 900}); outside = watch(page, base)
        page.goto(f'{base}/index.html', wait_until='networkidle')
        assert 'diffedit' in page.title(), page.title()
        n, broken = images_loaded(page); assert n >= 1 and broken == 0, (n, broken)
        nav = page.eval_on_selector_all('.sidebar-tree a.reference', 'els => els.map(e => e.href)')
        assert len(nav) >= 12, nav
        for url in nav:   # every page in the navigation exists and has a title
            r = page.request.get(url); assert r.ok, url
        page.screenshot(path=str(shots/'docs-index.png'), full_page=True)

        page.goto(f'{base}/mask.html', wait_until='networkidle')
        assert page.title().startswith('The mask'), page.title()
        sig = page.inner_text('body'); assert 'def diffedit_mask(' in sig and 'threshold:float=0.5' in sig
        n, broken = images_loaded(page); assert n >= 1 and broken == 0, (n, broken)
        links = page.eval_on_selector_all('a.reference.external[href$=".html"], a.reference.external[href*=".html#"]',
                                          'els => els.map(e => e.href)')
        assert links, 'no links between API pages'
        for url in set(links):
            if url.startswith(base): assert page.request.get(url).ok, url
        page.screenshot(path=str(shots/'docs-mask.png'), full_page=True)

        page.goto(f'{base}/ddim.html', wait_until='networkidle')
        page.wait_for_selector('mjx-container', timeout=10_000)          # MathJax, served by the site, typeset the maths
        assert page.locator('mjx-container').count() >= 1
        assert not outside, f'requests outside the site: {outside}'
        b.close()
    print(f'docs: index, mask and ddim pages checked in Chromium ({len(nav)} pages in the navigation); screenshots in {shots}')

def start_ui():
    "`diffedit ui` on a free port, with the demo model; returns (process, URL)"
    proc = subprocess.Popen([sys.executable, '-c', 'from diffedit.cli import main; main()', 'ui', '--port', '0'],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith('diffedit ui: http://127.0.0.1:'), f'diffedit ui did not start: {line!r}'
    return proc, line.split()[2]

MASKED = "() => { const d = mctx.getImageData(0, 0, maskC.width, maskC.height).data; let n = 0; " \
         "for (let k = 0; k < d.length; k += 4) n += d[k] > 127; return n; }"

def check_ui(shot=None):
    from diffedit.cli import EXAMPLE, EXAMPLE_PATH, EXAMPLE_QUERY
    proc, url = start_ui(); shots.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            b = browser(p); page = b.new_page(viewport={'width': 1200, 'height': 720}); outside = watch(page, url)
            page.goto(url, wait_until='networkidle'); assert page.title() == 'diffedit', page.title()
            page.set_input_files('#file', str(EXAMPLE_PATH))
            page.wait_for_function("() => document.getElementById('status').textContent.includes('64 x 64')")
            page.fill('#ref', EXAMPLE.caption); page.fill('#query', EXAMPLE_QUERY)
            page.click('#find'); page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Mask found')")
            found = page.evaluate(MASKED); assert 300 < found < 1500, found          # the circle: ~620 of 4096 pixels
            box = page.locator('#canvas').bounding_box()                              # paint a stroke in the top-left corner
            page.mouse.move(box['x'] + 30, box['y'] + 30); page.mouse.down()
            page.mouse.move(box['x'] + 90, box['y'] + 40, steps=8); page.mouse.up()
            painted = page.evaluate(MASKED); assert painted > found + 20, (found, painted)
            page.check('#decay')                                                      # the colour-edit setting: decaying guidance,
            page.evaluate("() => { for (const [k, v] of [['strength', 0.3], ['guidance', 80]]) {"   # strength 0.3, guidance 80
                          "const e = document.getElementById(k); e.value = v; e.dispatchEvent(new Event('input')); } }")
            page.click('#edit'); page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Done')")
            w = page.evaluate("() => { const i = document.getElementById('result'); return i.complete ? i.naturalWidth : 0; }")
            assert w == 64, w
            assert not page.locator('#status.error').count()
            href = page.get_attribute('#download', 'href'); assert href.startswith('data:image/png;base64,'), href[:40]
            assert page.is_visible('#download')                                        # the result can be saved
            page.screenshot(path=str(shot or shots/'app.png'))
            page.set_input_files('#file', files=[dict(name='notes.txt', mimeType='image/png', buffer=b'not a picture')])
            page.wait_for_function("() => document.getElementById('status').className === 'error'")
            msg = page.inner_text('#status'); assert 'notes.txt is not a picture' in msg, msg
            assert not page.is_visible('#download') and page.get_attribute('#result', 'src') is None   # nothing of the old picture
            page.click('#edit'); assert page.inner_text('#status') == 'Choose a picture first.'      # nor an edit of it
            assert not outside, f'requests outside the app: {outside}'
            b.close()
    finally: proc.terminate(); proc.wait()
    print(f'ui: uploaded the example, found the mask ({found} px), painted ({painted} px), edited: a {w}x{w} result appeared, '
          'downloadable; a file that is no picture cleared the old one, with a message')

if __name__ == '__main__':
    for what in sys.argv[1:] or ['docs', 'ui']: {'docs': check_docs, 'ui': check_ui}[what]()
