"""Pure extractors: normalised notice text in, typed records out.

Nothing in this package reads files (apart from the packaged reference data that
``extractors.knowledge`` loads once) or imports :mod:`pipeline`; every function
here can be called on a string in a notebook or a test.
"""
