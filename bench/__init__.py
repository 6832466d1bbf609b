"""Benchmarks: Spine Coach measured against a hello-world ask-sdk-core skill in the same run (`make bench`)."""
