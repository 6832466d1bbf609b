"""`talk --listen`: offline speech input with pocketsphinx, on the laptop, nothing downloaded at run time.

vocabulary, arpa, pronounce, build: the language model and dictionary built from what the skill understands
(`make listen-model`, into model/); recognise: the decoder; keywords: barge-in words spotted while the skill performs;
listener: the endpointer, from a stream of frames to utterances; microphone: sounddevice; lines: what is heard as the
runner's lines, beside typing. Local only: nothing here is on the Lambda's path.
"""
