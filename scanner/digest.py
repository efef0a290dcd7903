"""SHA-256 without OpenSSL's start-up.

``hashlib`` loads OpenSSL's libcrypto when it is imported (about 3.5 ms), and trailscan
digests only small texts: cache keys, file fingerprints, finding fingerprints. CPython
ships its own SHA-256 as a small extension module (``_sha256`` in 3.11, ``_sha2`` from
3.12); it gives the same digests. Where neither exists, ``hashlib``'s is used.
"""

from __future__ import annotations

try:
    from _sha256 import sha256  # type: ignore[import-not-found]  # CPython 3.11
except ImportError:  # pragma: no cover - depends on the interpreter
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # CPython 3.12+
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment,no-redef]

__all__ = ["sha256"]
