"""Type aliases of the public API."""

from __future__ import annotations

import os
from typing import Union

#: A file name: ``str`` or any ``os.PathLike``.
PathLike = Union[str, "os.PathLike[str]"]
#: A trust anchor: a certificate (DER or PEM bytes) or the path of a file holding one.
AnchorLike = Union[bytes, str, "os.PathLike[str]"]
