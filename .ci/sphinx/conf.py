# Sphinx + myst-nb + furo: the docs site from nbdev's processed notebooks, offline (Quarto is nbdev's path).
from configparser import ConfigParser
from pathlib import Path

cfg = ConfigParser(); cfg.read(Path(__file__).parents[2]/'settings.ini'); cfg = cfg['DEFAULT']
project, author, copyright, release = cfg['title'], cfg['author'], cfg['copyright'], cfg['version']
html_title = f"{cfg['title']} {cfg['version']}"

extensions = ['myst_nb', 'sphinx-mathjax-offline']   # MathJax served from the site, not a CDN
nb_execution_mode = 'off'                 # the notebooks' saved outputs are the pictures
nb_render_markdown_format = 'myst'        # show_doc's markdown output, tables included
nb_ipywidgets_js = {}                     # no widget scripts from a CDN
myst_enable_extensions = ['dollarmath', 'amsmath']
myst_all_links_external = True            # links are already relative `page.html#anchor`
html_theme = 'furo'
html_theme_options = {'top_of_page_buttons': []}   # pages are renamed to nbdev's URLs: show_doc's source links serve
exclude_patterns = ['_build', '**.ipynb_checkpoints']
suppress_warnings = ['mystnb.unknown_mime_type', 'misc.highlighting_failure']
html_static_path = ['_static']
html_css_files = ['custom.css']
nb_output_stderr = 'remove'               # warnings and progress bars are not documentation
