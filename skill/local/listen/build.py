"""Rebuilds the recogniser's language model and dictionary from what the skill understands (`make listen-model`).

    python -m skill.local.listen.build            # writes skill/local/listen/model/en.{arpa,dict,json}
    python -m skill.local.listen.build --check    # exit 1 if the files there are not what the sources give now

Run it after changing the interaction model, the built-in phrasings or the red-flag rules: tests/test_listen_model.py
fails while the files are stale. Pronunciations of words the shipped dictionary lacks come from espeak-ng.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Sequence

from skill.local.listen.arpa import witten_bell, write_arpa
from skill.local.listen.pronounce import cmu_dictionary, dictionary_lines
from skill.local.listen.vocabulary import Sentence, corpus

MODEL_DIR = Path(__file__).with_name("model")
LANGUAGE = "en"


def model_files(language: str = LANGUAGE) -> dict[str, Path]:
    return {kind: MODEL_DIR / f"{language}.{kind}" for kind in ("arpa", "dict", "json")}


def corpus_digest(sentences) -> str:
    """A fingerprint of the sentences and weights the model is built from, kept beside it to tell when it is stale."""
    text = "\n".join(f"{weight:.6f} {' '.join(words)}" for words, weight in sorted(sentences))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build(language: str = LANGUAGE) -> dict[str, str]:
    """The three files' text: the ARPA model, the pronunciation dictionary and a note of what went in."""
    from skill.local.listen.recognise import shipped_dictionary  # pocketsphinx only where it is installed

    sentences = _sentences()
    arpa = io.StringIO()
    write_arpa(witten_bell(sentences), arpa)
    words = {word for words, _ in sentences for word in words}
    lines = dictionary_lines(words, cmu_dictionary(shipped_dictionary()))
    note = {"about": "Built by python -m skill.local.listen.build (make listen-model); do not edit.",
            "corpus_sha256": corpus_digest(sentences), "sentences": len(sentences), "words": len(words)}
    return {"arpa": arpa.getvalue(), "dict": "\n".join(lines) + "\n", "json": json.dumps(note, indent=1) + "\n"}


def is_current(language: str = LANGUAGE, sentences: Sequence[Sentence] | None = None) -> bool:
    """Whether the model files were built from the sentences the sources give now (`sentences`: the corpus, if
    already spelled out)."""
    files = model_files(language)
    if not all(path.is_file() for path in files.values()):
        return False
    found = _sentences() if sentences is None else sorted((s.words, s.weight) for s in sentences)
    return json.loads(files["json"].read_text(encoding="utf-8")).get("corpus_sha256") == corpus_digest(found)


def _sentences() -> list[tuple[tuple[str, ...], float]]:
    """The corpus as (words, weight), sorted: what the model and its digest are made from."""
    return sorted((sentence.words, sentence.weight) for sentence in corpus())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill.local.listen.build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the model files are up to date")
    args = parser.parse_args(argv)
    if args.check:
        current = is_current()
        print("up to date" if current else "stale: run make listen-model", file=sys.stderr)
        return 0 if current else 1
    MODEL_DIR.mkdir(exist_ok=True)
    texts = build()
    for kind, path in model_files().items():
        path.write_text(texts[kind], encoding="utf-8")
    note = json.loads(texts["json"])
    print(f"{MODEL_DIR}: {note['sentences']} sentences, {note['words']} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
