"""Checks in headless Chromium (Debian's `chromium`, driven by Playwright) of what users open in a browser:
the docs site (`docs`) and the interactive app (`ui`). Usage: python .ci/browser.py [docs] [ui]"""
import functools, http.server, os, re, socket, subprocess, sys, threading
from pathlib import Path
from urllib.parse import urlparse
from playwright.sync_api import sync_playwright, TimeoutError as PWTimeout

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
                            stdout=subprocess.PIPE, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})   # on busy cores, one thread is fastest
    line = proc.stdout.readline()
    assert line.startswith('diffedit ui: http://127.0.0.1:'), f'diffedit ui did not start: {line!r}'
    return proc, line.split()[2]

MASKED = "() => { const d = mctx.getImageData(0, 0, maskC.width, maskC.height).data; let n = 0; " \
         "for (let k = 0; k < d.length; k += 4) n += d[k] > 127; return n; }"
STATUS = "() => document.getElementById('status').textContent"

def wait_status(page, js_test, timeout=300_000):
    "Wait until the status line passes `js_test` (a JS expression of `s`, the status text)"
    try: page.wait_for_function(f"() => {{ const s = document.getElementById('status').textContent; return {js_test}; }}", timeout=timeout)
    except PWTimeout: raise AssertionError(f"status {page.inner_text('#status')!r} never passed {js_test}") from None
    return page.inner_text('#status')

def set_value(page, **kw):
    "Set inputs by id as a user would, firing their input event"
    page.evaluate("kw => { for (const [k, v] of Object.entries(kw)) { const e = document.getElementById(k); e.value = v; "
                  "e.dispatchEvent(new Event('input')); } }", kw)

def shown_size(page, sel):
    "(CSS width, CSS height, image-rendering) of an element as laid out"
    return page.evaluate("s => { const e = document.querySelector(s), r = e.getBoundingClientRect(); "
                         "return [r.width, r.height, getComputedStyle(e).imageRendering]; }", sel)

def check_ui(shot=None):
    from diffedit.cli import EXAMPLE, EXAMPLE_PATH, EXAMPLE_QUERY
    from diffedit.core import read_settings, DEMO
    want = str(read_settings(DEMO).get('threshold', 0.5))   # the page shows the demo model's own threshold
    from matplotlib import cbook
    from PIL import Image
    photo = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
    proc, url = start_ui(); shots.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as p:
            b = browser(p); page = b.new_page(viewport={'width': 1280, 'height': 900}, accept_downloads=True); outside = watch(page, url)
            page.goto(url, wait_until='networkidle'); assert page.title() == 'diffedit', page.title()
            page.wait_for_function("() => document.body.dataset.ready === '1'")
            assert page.input_value('#threshold') == want and page.is_visible('#demo'), page.input_value('#threshold')   # the model's settings, from the server
            # upload: a 64 px picture is shown enlarged, its pixels sharp
            page.set_input_files('#file', str(EXAMPLE_PATH)); wait_status(page, "s.includes('64 x 64')")
            w, h, rendering = shown_size(page, '#canvas'); assert 300 <= w <= 512 and w == h and rendering == 'pixelated', (w, h, rendering)
            # the Example button: picture, texts and settings
            page.fill('#ref', ''); page.fill('#query', ''); set_value(page, threshold=0.8, steps=10)
            page.click('#example'); wait_status(page, "s.startsWith('The example')")
            assert (page.input_value('#ref'), page.input_value('#query')) == (EXAMPLE.caption, EXAMPLE_QUERY)
            assert (page.input_value('#threshold'), page.input_value('#steps')) == (want, '50')
            # find the mask, with the progress shown
            page.click('#find'); wait_status(page, "s.startsWith('Mask found')")
            found = page.evaluate(MASKED); assert 400 < found < 1200, found          # the circle: ~620 of 4096 pixels
            # paint one dab: the brush is in screen pixels; a circle follows the pointer
            set_value(page, brush=32); box = page.locator('#canvas').bounding_box()
            page.mouse.move(box['x'] + 40, box['y'] + 40)
            cw = page.evaluate("() => document.getElementById('cursor').getBoundingClientRect().width")
            assert page.is_visible('#cursor') and abs(cw - 32) < 4, cw
            page.locator('#inview').screenshot(path=str(shots/'app-brush.png'))
            page.mouse.down(); page.mouse.up()
            dab = page.evaluate(MASKED) - found; r = 16 * 64 / box['width']           # 16 screen px, in picture pixels
            assert 0.6 < dab / (3.14159 * r * r) < 1.5, (dab, r)
            page.mouse.move(box['x'] + 30, box['y'] + 30); page.mouse.down()        # and a stroke
            page.mouse.move(box['x'] + 200, box['y'] + 60, steps=4); page.mouse.up()
            painted = page.evaluate(MASKED); assert painted > found + dab + 100, (found, dab, painted)
            # edit: steps done of all, and seconds, while it runs
            set_value(page, steps=50, strength=0.8); page.click('#edit')   # 40 steps each way: 80 UNet calls with the painted mask
            prog = wait_status(page, "/^Editing: step [1-9]\\d* of 80, \\d+\\.\\d s$/.test(s)")
            assert page.is_visible('#bar') and page.is_enabled('#cancel') and page.is_disabled('#edit'), prog
            page.screenshot(path=str(shots/'app-progress.png'))
            done = wait_status(page, "s.startsWith('Done')")
            wr = page.evaluate("() => { const i = document.getElementById('result'); return i.complete ? i.naturalWidth : 0; }")
            assert wr == 64 and not page.locator('#status.error').count() and not page.is_visible('#progress'), (wr, done)
            # before and after: the input left of the line, the result right of it
            assert page.is_visible('#compare') and page.get_attribute('#before', 'src').startswith('data:image/png')
            set_value(page, compare=30)
            assert page.evaluate("() => document.getElementById('before').style.clipPath") == 'inset(0px 70% 0px 0px)'
            page.screenshot(path=str(shot or shots/'app.png'))
            # download: the PNG of the result
            with page.expect_download() as dl: page.click('#download')
            d = dl.value; f = shots/'downloaded.png'; d.save_as(f)
            assert d.suggested_filename == 'example-edit.png' and Image.open(f).size == (64, 64), (d.suggested_filename, f)
            # cancel: an edit of 500 steps (1000 calls: the painted mask needs no draws) stopped on the server, then an edit that works
            set_value(page, steps=500, strength=1); page.click('#edit')
            wait_status(page, "/step ([3-9]|\\d\\d+) of 1000/.test(s)")
            page.click('#cancel')
            cancelled = wait_status(page, "s.startsWith('Cancelled')", timeout=10_000)
            assert re.fullmatch(r'Cancelled after \d+ of 1000 steps\.', cancelled) and not page.locator('#status.error').count(), cancelled
            assert page.is_enabled('#edit') and not page.is_visible('#progress')
            set_value(page, steps=20, strength=0.8); page.click('#edit'); wait_status(page, "s.startsWith('Done')")
            # a server error: shown once, one line, no traceback
            set_value(page, steps=2, strength=0.1); page.click('#edit'); wait_status(page, "s.includes('no step at all')")
            err = page.inner_text('#status'); body = page.inner_text('body')
            assert page.locator('#status.error').count() and body.count('no step at all') == 1 and 'Traceback' not in body, err
            set_value(page, steps=50, strength=0.8)
            # a photo: shown at most 512 px wide, smoothly; the demo model warns that it is unlike its scenes
            page.set_input_files('#file', photo); wait_status(page, "s.includes('512 x 600')")
            w, h, rendering = shown_size(page, '#canvas'); assert w <= 512 and abs(h / w - 600 / 512) < 0.02 and rendering != 'pixelated', (w, h, rendering)
            page.click('#find'); wait_status(page, "s.startsWith('Mask found')")
            warn = page.inner_text('#note'); assert page.is_visible('#note') and warn.startswith('The demo model') and 'this picture has 14 colours' in warn, warn
            page.screenshot(path=str(shots/'app-photo.png'), full_page=True)
            # a file that is no picture: one error, nothing of the old picture
            page.set_input_files('#file', files=[dict(name='notes.txt', mimeType='image/png', buffer=b'not a picture')])
            page.wait_for_function("() => document.getElementById('status').className === 'error'")
            msg = page.inner_text('#status'); assert 'notes.txt is not a picture' in msg, msg
            assert not page.is_visible('#download') and page.get_attribute('#result', 'src') is None and not page.is_visible('#note')
            page.click('#edit'); assert page.inner_text('#status') == 'Choose a picture first (or click Example).'
            assert not outside, f'requests outside the app: {outside}'
            # a phone: one column, nothing wider than the screen
            phone = b.new_page(viewport={'width': 390, 'height': 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
            phone.goto(url, wait_until='networkidle'); phone.wait_for_function("() => document.body.dataset.ready === '1'")
            phone.click('#example'); wait_status(phone, "s.startsWith('The example')")
            set_value(phone, steps=20); phone.click('#edit'); wait_status(phone, "s.startsWith('Done')")
            sw = phone.evaluate("() => document.documentElement.scrollWidth"); assert sw <= 390, sw
            w, _, _ = shown_size(phone, '#canvas'); assert 300 <= w <= 390, w
            phone.screenshot(path=str(shots/'app-phone.png'), full_page=True)
            b.close()
    finally: proc.terminate(); proc.wait()
    print(f'ui: loaded the example (button and upload), found the mask ({found} px), painted a dab ({dab} px for a 32 px brush) and a '
          f'stroke ({painted} px), edited with the progress shown ({prog!r}), compared before and after, downloaded a {wr}x{wr} PNG, '
          f'cancelled an edit of 500 steps ({cancelled!r}) and edited again; a server error shown once; a photo fitted to the width, '
          'with the demo warning; a file that is no picture cleared the old one; a phone layout in one column. '
          f'Screenshots in {shots}')

if __name__ == '__main__':
    for what in sys.argv[1:] or ['docs', 'ui']: {'docs': check_docs, 'ui': check_ui}[what]()
