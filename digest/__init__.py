"""digest: turns a folder of article captures and editors' YAML into a browsable static site."""

__version__ = "0.1.0"
