"""The library's version, in a module that imports nothing: every module that reports the
version imports it from here at its top, without the package's ``__init__`` (which imports the
engine) and without a cycle."""

__version__ = "0.1.0"
