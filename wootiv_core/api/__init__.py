"""The Wootiv API itself, generated from its OpenAPI spec by `scripts/generate.py`.

`models` holds the response models, `params` the shapes of nested request
objects, `operations` one `Operation` per endpoint. Do not edit these files
by hand: change the generator and run it again.
"""
