"Write README.md from nbs/index.ipynb without Quarto: markdown cells as they are, shown code cells fenced, hidden cells dropped"
import json, re
from pathlib import Path
root = Path(__file__).resolve().parent.parent
nb = json.loads((root/'nbs'/'index.ipynb').read_text())
out = []
for c in nb['cells']:
    src = ''.join(c['source'])
    if c['cell_type'] == 'markdown': out.append(re.sub(r'\]\((?!http)([^)]+\.(?:png|jpg|gif|ipynb))\)', r'](nbs/\1)', src))
    elif not re.search(r'^#\|\s*(hide|default_exp|export)', src, re.M):
        out.append(f"```python\n{src}\n```")
        for o in c.get('outputs', []):
            txt = ''.join(o.get('text', o.get('data', {}).get('text/plain', '')))
            if txt: out.append(f"    {txt.rstrip()}".replace('\n', '\n    '))
(root/'README.md').write_text("<!-- generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file -->\n\n" + '\n\n'.join(out) + '\n')
