#!/usr/bin/env bash
# Build LLaMA-Factory 0.9.5 in its own venv: bash tests/train/lf_env/build.sh VENV_DIR
# (`make lf-venv` runs it; tests/train/test_llamafactory_run.py runs VENV_DIR/bin/llamafactory-cli).
#
# Its own venv because LLaMA-Factory caps transformers/peft/trl below the versions paperreview uses,
# and a plain `pip install llamafactory` swaps the CPU torch for a multi-GB CUDA build; the
# constraints file pins the CPU torch. Two packages it requires still come as CUDA builds that
# cannot load against CPU torch, so after installing:
#  * torchvision is removed: its compiled ops fail to register ("operator torchvision::nms does
#    not exist"), which breaks `from transformers import PreTrainedModel`; transformers only
#    uses it when it is installed, and nothing LLaMA-Factory does for text SFT needs it;
#  * torchaudio's extension library _torchaudio.so is removed (it needs libc10_cuda.so):
#    llamafactory/data/mm_plugin.py imports torchaudio at the top (it is used for audio datasets
#    only), and torchaudio/_extension/utils.py::_load_lib treats a missing library file as a
#    supported case (it then imports without the extension).
# A stamp file is written last, so an interrupted build is redone from scratch.
set -euo pipefail
venv=${1:?usage: build.sh VENV_DIR}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
rm -rf "$venv"
"$python" -m venv "$venv"
# this machine's pip config lists local indexes that lack most packages: drop pip's notices of that
quiet() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
quiet "$venv/bin/pip" install -q --disable-pip-version-check -c "$here/constraints.txt" llamafactory
"$venv/bin/pip" uninstall -y -q torchvision
rm -f "$venv"/lib/python*/site-packages/torchaudio/lib/_torchaudio.so
# the two imports the repairs are for, then the CLI itself
"$venv/bin/python" -c "import llamafactory.data.mm_plugin; from transformers import PreTrainedModel"
"$venv/bin/llamafactory-cli" version >/dev/null
touch "$venv/.stamp"
