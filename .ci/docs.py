"""The docs site without Quarto: nbdev's processors write `_proc/`, this turns the Quarto-only bits
into what myst-nb reads, and Sphinx (furo theme) builds `_build/html`. Usage: python .ci/docs.py"""
import json, os, re, shutil, subprocess, sys, yaml
from pathlib import Path

root = Path(__file__).parents[1]
src, out = root/'_build/src', root/'_build/html'

def proc_nbs():
    "nbdev's own docs processing (`show_doc`, directives, front matter), minus its Quarto install step"
    import nbdev.doclinks
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs
    refresh_quarto_yml(); nbdev.doclinks._build_modidx(); nbdev_sidebar.__wrapped__()
    return proc_nbs(force=True, n_workers=2)

def make_id(s): return re.sub(r'[^a-z0-9]+', '-', s.lower()).strip('-')   # docutils' section ids

def fix_md(s, site, pages=None):
    "Quarto link attributes out; links into the site, or to a notebook (`04_mask.ipynb`), made relative; anchors as Sphinx writes them"
    s = re.sub(r'\{target="[^}]*\}', '', s)
    s = re.sub(r'\]\(([\w-]+\.ipynb)(#[^)]*)?\)', lambda m: f"]({(pages or {}).get(m[1], Path(m[1]).stem)}.html{m[2] or ''})", s)
    return re.sub(re.escape(site) + r'/([\w-]+\.html)(?:#([^)\s]+))?',
                  lambda m: m[1] + (f'#{make_id(m[2])}' if m[2] else ''), s)

def fix_signature(m):
    "Inside a signature: no blank lines, links as plain names, `**kwargs` as written"
    code = re.sub(r'\[`?([^]`]+)`?\]\([^)]*\)', r'`\1`', m[2])
    code = re.sub(r'(\w+):VAR_KEYWORD', r'**\1', re.sub(r'(\w+):VAR_POSITIONAL', r'*\1', code))
    code = '\n'.join(l for l in code.splitlines() if l.strip())
    return f'{m[1]}\n{code}\n```'

def fix_doc(md):
    "show_doc's markdown: its rule dropped (not allowed in an output), the source link removed"
    md = re.sub(r'^---\n', '', md)
    md = re.sub(r'\[source\]\([^)]+\)', '', md)   # the repository's address is not published: no link that leads nowhere
    return re.sub(r'(```python)\n(.*?)```', fix_signature, md, flags=re.S)

_tags = {'echo: false': 'remove-input', 'output: false': 'remove-output', 'include: false': 'remove-cell'}
def fix_code(cell):
    "`#|` directives -> myst-nb tags; Quarto's `#| fig-alt:` -> the alt text of the cell's pictures"
    lines = cell['source'].splitlines()
    dirs = [l[3:].strip() for l in lines if l.startswith('#|')]
    cell['source'] = '\n'.join(l for l in lines if not l.startswith('#|'))
    tags = [t for d, t in _tags.items() if d in dirs]
    if tags: cell.setdefault('metadata', {})['tags'] = tags
    alt = [d.split(':', 1)[1].strip() for d in dirs if d.startswith('fig-alt:')]
    if alt: cell.setdefault('metadata', {})['mystnb'] = {'image': {'alt': alt[0]}}

def check_alt(out):
    "Every picture on the site has alt text in words (`#| fig-alt:` in a figure's cell), not the file's hashed name"
    missing = [f'{f.name}: {src[:40]}' for f in sorted(out.glob('*.html'))
               for tag in re.findall(r'<img [^>]*>', f.read_text()) for src in re.findall(r'src="([^"]*)"', tag)
               if ' ' not in (re.findall(r'alt="([^"]*)"', tag) or [''])[0].strip()]
    if missing: sys.exit("pictures without alt text (add `#| fig-alt: what the picture shows` to their cell):\n" + '\n'.join(missing))

def front_matter(cell):
    "Quarto's YAML front matter -> a title and a lead paragraph; returns (markdown cell, output file)"
    fm = yaml.safe_load(cell['source'].strip().strip('-')) or {}
    md = f"# {fm.get('title', '')}\n\n" + (f"*{fm['description']}*\n" if fm.get('description') else '')
    return {'cell_type': 'markdown', 'metadata': {}, 'source': md}, fm.get('output-file')

_keys = {'markdown': {'cell_type', 'id', 'metadata', 'source', 'attachments'}, 'raw': {'cell_type', 'id', 'metadata', 'source'},
         'code': {'cell_type', 'id', 'metadata', 'source', 'outputs', 'execution_count'}}   # nbformat's, no nbdev extras
def convert(nb_path, site, pages=None):
    "One processed notebook -> (Sphinx page name, notebook myst-nb reads); `pages`: notebook file -> page name, for links"
    nb = json.loads(nb_path.read_text()); name = nb_path.stem; cells = []
    for c in nb['cells']:
        c['source'] = ''.join(c['source'])
        if c['cell_type'] == 'raw' and c['source'].startswith('---'):
            c, of = front_matter(c); name = Path(of).stem if of else name
        elif c['cell_type'] == 'markdown': c['source'] = fix_md(c['source'], site, pages)
        elif c['cell_type'] == 'code':
            fix_code(c)
            for o in c.get('outputs', []):
                if 'text/markdown' in o.get('data', {}):
                    o['data']['text/markdown'] = fix_doc(fix_md(''.join(o['data']['text/markdown']), site))
        cells.append({k: v for k, v in c.items() if k in _keys[c['cell_type']]})
    nb['cells'] = [dict(c, id=c.get('id', f'c{i}')) for i, c in enumerate(cells)]
    return name, nb

def build():
    from fastcore.all import Config
    cfg = Config(root, 'settings.ini'); site = (cfg.doc_host + cfg.doc_baseurl).rstrip('/')
    proc = proc_nbs()
    shutil.rmtree(src, ignore_errors=True); src.mkdir(parents=True)
    order = yaml.safe_load((root/'nbs/sidebar.yml').read_text())['website']['sidebar']['contents']
    pages = {f: convert(proc/f, site)[0] for f in order}     # page names first, for the links between pages
    for f in order: (src/f'{pages[f]}.ipynb').write_text(json.dumps(convert(proc/f, site, pages)[1]))
    toc = '```{toctree}\n:hidden:\n\n' + '\n'.join(pages[f] for f in order if f != 'index.ipynb') + '\n```\n'
    index = json.loads((src/'index.ipynb').read_text())
    index['cells'].append({'cell_type': 'markdown', 'id': 'toctree', 'metadata': {}, 'source': toc})
    (src/'index.ipynb').write_text(json.dumps(index))
    for d in proc.iterdir():
        if d.is_dir(): shutil.copytree(d, src/d.name)           # pictures the prose links to
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-W', '--keep-going',
                    '-c', str(root/'.ci/sphinx'), str(src), str(out)], check=True)
    check_alt(out)
    print(f'docs: {out/"index.html"}')

if __name__ == '__main__':
    os.environ['PYTHONWARNINGS'] = 'ignore'   # nbdev's FAQ warning on hidden cells mixing imports with a logging switch
    build()
