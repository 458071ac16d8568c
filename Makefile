# One command sets up and tests a fresh clone: `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PINS := nbdev==2.4.14 fastcore==1.12.47 execnb==0.1.18 ghapi==1.0.16 diffusers==0.42.1 transformers==5.23.0 \
        accelerate==1.15.0 safetensors==0.8.0 pillow==13.0.0 matplotlib==3.11.2 tqdm==4.70.1 numpy==2.4.6 ipykernel==7.4.0 \
        ipywidgets==8.1.9 hypothesis==6.170.17

DOCS_PINS := sphinx==9.0.4 myst-nb==1.4.0 furo==2025.12.19 sphinx-mathjax-offline==0.0.2 playwright==1.65.2

.PHONY: test export demo bench bench-gpu gpu-wheels readme docs browser-test clean

$(VENV)/.installed: settings.ini setup.py Makefile
	python3 -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0      # the CPU wheel, before anything can pull a CUDA build
	$(PY) -m pip install -q $(PINS)
	$(PY) -m pip install -q --no-deps -e .
	touch $@

test: $(VENV)/.installed  ## set up (once) and run every notebook as a test
	OMP_NUM_THREADS=1 $(VENV)/bin/nbdev_test --n_workers 2   # two notebooks at a time, one thread each: two torch processes of two threads on two cores spin-wait for each other

export: $(VENV)/.installed  ## notebooks -> package, and clean notebooks
	$(VENV)/bin/nbdev_export && $(VENV)/bin/nbdev_clean

readme: $(VENV)/.installed  ## README.md from nbs/index.ipynb, without Quarto
	$(PY) .ci/readme.py

$(VENV)/.docs: $(VENV)/.installed Makefile
	$(PY) -m pip install -q $(DOCS_PINS)
	touch $@

docs: $(VENV)/.docs  ## the docs site in _build/html from the notebooks' saved outputs, offline, without Quarto
	$(PY) .ci/docs.py

browser-test: docs  ## open the docs site and `diffedit ui` in headless Chromium (needs Debian's chromium)
	$(PY) .ci/browser.py docs ui

demo: $(VENV)/.installed  ## edit the bundled example with the bundled demo model
	$(VENV)/bin/diffedit demo

bench: $(VENV)/.installed  ## speed and memory beside diffusers' pipeline: prints a table, writes bench.json
	$(PY) -c "from diffedit.bench import main; main('bench.json')"

GPU_PY ?= python3
GPU_OUT ?= bench-gpu.json
GPU_MODEL ?=
WHEELS := diffusers==0.42.1 fastcore==1.12.47 importlib_metadata==8.7.0

bench-gpu:  ## on a CUDA machine, offline: SD 1.5 architecture at 512 px, fp16/bf16, compiled or not, ours beside diffusers; SDXL architecture at 1024 px beside LEdits++; writes $(GPU_OUT)
	HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1 $(GPU_PY) -c "from diffedit.bench import gpu_main; gpu_main('$(GPU_OUT)', folder=$(if $(GPU_MODEL),'$(GPU_MODEL)',None))"

gpu-wheels:  ## the packages a bare GPU machine may lack, as wheels in .whl/ (pip install --target DIR .whl/*.whl there)
	python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
	  --platform manylinux_2_17_x86_64 -d .whl $(WHEELS)

clean:
	rm -rf $(VENV) _proc _docs _build
